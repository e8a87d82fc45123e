"""Repeated passages (transforms/dedup.py): exact, near and fragment duplicates, within and across pages and runs."""
from __future__ import annotations

from tests.conftest import clean_page as clean, seed
from transforms.dedup import Candidate, find_duplicates


def test_paragraph_printed_twice_in_001_is_kept_once():
    passages = clean(seed("001"))
    copies = [p for p in passages if p.text.startswith("继启动企业创新积分工作试点后")]
    kept = [p for p in copies if not p.removed]
    assert len(copies) == 2 and len(kept) == 1
    assert kept[0].text.endswith("促成合作42项。")                     # the whole copy is the one kept
    broken = [p for p in copies if p.removed == "duplicate"][0]
    assert broken.dup_of == kept[0].seq
    tail = [p for p in passages if p.text.startswith("接”等应用。截至2021年12月")][0]
    assert tail.removed == "duplicate" and tail.dup_of == kept[0].seq  # the other half of the broken copy


def test_passages_identical_but_for_one_figure_are_both_kept():
    a = "今年1至8月,杭州高新区(滨江)新引进人才30537人,同比增长9.48%,全区人才总量超43万。"
    b = "今年1至8月,杭州高新区(滨江)新引进人才30538人,同比增长9.48%,全区人才总量超43万。"
    assert find_duplicates([Candidate("x-1", "x", a), Candidate("y-1", "y", b)]) == {}


def test_repeat_with_different_punctuation_is_a_duplicate():
    a = "今年1至8月,杭州高新区(滨江)新引进人才30537人,同比增长9.48%,全区人才总量超43万。"
    b = "今年1至8月，杭州高新区（滨江）新引进人才30537人，同比增长9.48%；全区人才总量超43万"
    assert find_duplicates([Candidate("x-1", "x", a), Candidate("y-1", "y", b)]) == {"y-1": "x-1"}


def test_near_duplicate_across_pages_and_against_earlier_runs():
    a = ("上半年,杭州高新区(滨江)地区生产总值首破千亿元,同比增长4.0%;数字经济核心产业增加值超800亿元;"
         "规模以上工业增加值384.8亿元,位居杭州市第一。")
    b = a.replace("位居杭州市第一", "位居全市第一")
    assert find_duplicates([Candidate("new-1", "new", b)], prior=[Candidate("old-7", "old", a)]) == {"new-1": "old-7"}


def test_a_fragment_of_a_passage_is_a_duplicate_of_the_whole():
    whole = "截至2021年12月,当地面向人工智能、生命健康等各行业举办产业链协同创新活动共6场,筛选并邀请企业154家,促成合作42项。"
    page = f"{whole[:30]}\n\n{whole}\n\n{whole[30:]}\n\n42项\n"
    passages = clean(page)
    kept = [p for p in passages if not p.removed]
    assert [p.text for p in kept] == [whole]
    assert [(p.removed, p.dup_of) for p in passages if p.removed] == [("duplicate", kept[0].seq)] * 3


def test_streaming_pages_through_the_index_in_chunks_finds_what_one_batch_finds(tmp_path):
    """The flow feeds the index a chunk of pages at a time: same duplicates, same first copies."""
    from flows.bench import build_corpus
    from transforms.dedup import DuplicateIndex
    from transforms.decode import decode_bytes
    from transforms.segment import assign_articles, page_lines, repair_layout, split_passages
    from transforms.strip_spam import classify_lines
    from transforms.to_simplified import normalize_text, to_simplified
    build_corpus(tmp_path, 0.6)   # seed sentences recombined, ~10% of paragraphs repeated
    pages = []
    for path in sorted(tmp_path.iterdir()):
        text = normalize_text(decode_bytes(path.read_bytes()).text)
        simplified = to_simplified(text)
        lines = page_lines(text, simplified)
        passages = assign_articles(repair_layout(split_passages(lines, classify_lines([line.text for line in lines]))))
        pages.append([Candidate(f"{path.stem}-{p.seq}", path.stem, p.text) for p in passages if not p.removed])
    whole = find_duplicates([c for page in pages for c in page])
    index, streamed = DuplicateIndex(), {}
    for i in range(0, len(pages), 3):
        streamed.update(index.find([c for page in pages[i:i + 3] for c in page]))
    across_pages = {pid for pid, target in whole.items() if pid.split("-")[0] != target.split("-")[0]}
    assert len(pages) >= 12 and len(across_pages) >= 5
    assert streamed == whole


# --------------------------------------------------------------------------- long lines, line ends
