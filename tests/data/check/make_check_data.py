#!/usr/bin/env python3
"""Generates the checker's sample reports and its deliberately broken test inputs.

Run from the repository root:  python3 tests/data/check/make_check_data.py
Writes samples/county-bureau-2021.json, samples/pair-2021.json, samples/pair-2022.json,
tests/data/check/base-2019.json and base-2020.json (2019-edition reports of the same county
bureau, used as the consistent inputs of the 2019-edition rules and as previous years of
county-bureau-2021), and one broken copy per rule under tests/data/check/.  Tables are built
from the result rows so that every consistency rule holds; each broken file changes as little
as possible (compensating changes keep the other rules intact) so that it trips exactly the
rule it is named after.  Only the JSON output is used by the build; this script documents how
it was made.
"""
import copy
import json
import os
import random

COLS = ["natural", "commercial", "research", "public_interest", "legal_services", "other"]
REFUSED = ["state_secret", "prohibited_by_law", "three_safeties", "third_party_rights",
           "internal_affairs", "process_information", "enforcement_files", "inquiry_matters"]
UNABLE = ["not_held", "needs_creation", "still_unclear"]
NOT_PROCESSED = ["petition", "repeated", "publication", "excessive", "confirmation"]
OTHER21 = ["no_correction", "no_fee", "other"]


def row(values):
    r = dict(zip(COLS, values))
    r["total"] = sum(values)
    return r


def add(a, b):
    return [x + y for x, y in zip(a, b)]


def applications(rng, edition, carried_over, scale, dense=True):
    """Builds table B.  `carried_over` is a list of six counts; `scale` the size of the body."""
    weights = [scale, max(1, scale // 4), 1, 1, 1, 1]

    def rnd(w, lo=0):
        return [rng.randint(lo if dense else 0, max(lo, w_ // 2 + 1)) for w_ in w]

    results = {"disclosed": rnd([w * 3 for w in weights], 1),
               "partially_disclosed": rnd(weights, 1)}
    results["refused"] = {k: rnd([max(1, w // 3) for w in weights], 1 if dense else 0) for k in REFUSED}
    results["unable"] = {k: rnd(weights, 1) for k in UNABLE}
    results["not_processed"] = {k: rnd([max(1, w // 3) for w in weights], 1 if dense else 0)
                                for k in NOT_PROCESSED}
    if edition == "2019":
        results["other"] = rnd(weights, 1)
    else:
        results["other"] = {k: rnd([max(1, w // 3) for w in weights], 1) for k in OTHER21}
    total = [0] * 6

    def walk(node):
        nonlocal total
        if isinstance(node, list):
            total = add(total, node)
        else:
            for v in node.values():
                walk(v)

    walk(results)
    carried_forward = [rng.randint(1, 3) for _ in COLS]
    new = [t + f - o for t, f, o in zip(total, carried_forward, carried_over)]
    assert all(n >= 0 for n in new)

    def rows(node):
        return row(node) if isinstance(node, list) else {k: rows(v) for k, v in node.items()}

    out = {"new": row(new), "carried_over": row(carried_over), "results": rows(results)}
    out["results"]["total"] = row(total)
    out["carried_forward"] = row(carried_forward)
    return out


def reviews(groups):
    out = {}
    for name, vals in zip(["reconsideration", "litigation_direct", "litigation_after_review"], groups):
        g = dict(zip(["upheld", "corrected", "other", "pending"], vals))
        g["total"] = sum(vals)
        out[name] = g
    return out


def cf(report):
    return [report["applications"]["carried_forward"][c] for c in COLS]


# ---------------------------------------------------------------- texts
def opening(body, year, circular, office, address):
    return [
        f"本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{circular}要求，"
        f"由{body}根据本机关{year}年度政府信息公开工作情况编制。本报告所列数据的统计期限自"
        f"{year}年1月1日起至{year}年12月31日止。全文包括总体情况、主动公开政府信息情况、"
        "收到和处理政府信息公开申请情况、政府信息公开行政复议行政诉讼情况、存在的主要问题及改进情况、"
        "其他需要报告的事项。",
        f"本报告电子版可在青溪县人民政府门户网站“政府信息公开”专栏查阅和下载。如对本报告有疑问，"
        f"请与{office}联系（地址：{address}，邮编：338400，电话：0795-7321806）。",
    ]


CIRC2019 = ("《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》"
            "（国办公开办函〔2019〕60号）")
CIRC2021 = ("《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉"
            "的通知》（国办公开办函〔2021〕30号）")


def bureau_overview(year, n_items, n_apps):
    return [
        f"{year}年，青溪县自然资源局坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实"
        "《条例》和国家、省、市关于政务公开工作的决策部署，围绕自然资源管理中心工作，"
        "以公开为常态、不公开为例外，持续深化决策、执行、管理、服务、结果公开，"
        "切实保障人民群众的知情权、参与权、表达权和监督权。",
        {"heading": "（一）主动公开"},
        f"全年通过县政府门户网站、“青溪自然资源”微信公众号等渠道主动公开政府信息{n_items}条，"
        "重点公开国土空间规划、土地征收、建设用地供应、矿业权出让、不动产登记、"
        "地质灾害防治等领域信息。征地补偿安置方案、土地出让结果等信息均在法定时限内公开。",
        f"及时公开本局部门预算、决算及“三公”经费情况，"
        f"行政许可、行政处罚结果在作出决定之日起7个工作日内上网公示。",
        {"heading": "（二）依申请公开"},
        f"全年共受理政府信息公开申请{n_apps}件，均在法定期限内予以答复。申请内容主要涉及土地征收补偿、"
        "宅基地审批、不动产登记资料查询等事项。严格执行登记、审核、办理、答复、归档工作流程，"
        "对申请内容不明确的，一次性告知申请人补正事项。",
        {"heading": "（三）政府信息管理"},
        "落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”，全年未发生泄密事件。"
        "动态更新本局政府信息公开指南和主动公开目录，对现行有效的行政规范性文件进行集中清理并公布清理结果。",
        {"heading": "（四）政府信息公开平台建设"},
        "依托县政府门户网站政府信息公开专栏，规范设置机构职能、政策文件、规划信息、"
        "征地信息、矿产资源等栏目；在政务服务中心自然资源窗口设置政府信息查阅点，方便群众就近查阅。",
        {"heading": "（五）监督保障"},
        "成立由局主要负责同志任组长的政务公开工作领导小组，将政务公开纳入股室年度绩效考核。"
        "全年组织政务公开业务培训2次，未发生因政府信息公开工作引发的责任追究情况。",
    ]


def bureau_problems(year):
    return [
        f"{year}年，我局政府信息公开工作取得一定成效，但仍存在一些不足：一是部分业务股室对主动公开"
        "工作重视不够，信息报送不够及时；二是政策解读形式较为单一，图表、音视频等解读方式运用不多；"
        "三是依申请公开答复的规范化水平有待进一步提高。",
        "下一步，我局将重点做好以下工作：一是压实股室公开责任，建立信息报送定期通报制度；"
        "二是丰富政策解读形式，提高解读材料的针对性和可读性；三是加强依申请公开业务培训，"
        "规范答复文书格式，切实提升依申请公开工作质量。",
    ]


def bureau_other_2021(unpaid, paid, fee_amount):
    """`unpaid`: table B's （六）2. total — fee notices the applicants did not pay."""
    fee = (f"依据《政府信息公开信息处理费管理办法》，本年度共向申请人发出收费通知{unpaid + paid}件，"
           f"其中{paid}件申请人按期缴纳，共收取信息处理费{fee_amount}元；{unpaid}件申请人逾期未缴纳，"
           "已依法不再处理其政府信息公开申请。")
    return [fee,
            "本年度我局办理县人大代表建议6件、县政协委员提案9件，办结率100%，"
            "办理复文均已按规定在县政府门户网站公开。",
            "本年度无其他需要报告的事项。"]


def bureau_other_2019():
    return ["本年度我局办理县人大代表建议5件、县政协委员提案7件，办结率100%。",
            "本年度无其他需要报告的事项。"]


# ---------------------------------------------------------------- the county bureau
def bureau(year, edition, carried_over, prev=None, seed=0):
    rng = random.Random(seed)
    body = "青溪县自然资源局"
    apps = applications(rng, edition, carried_over, 12)
    doc = {
        "edition": edition,
        "body": body,
        "year": year,
        "title": f"{body}{year}年政府信息公开工作年度报告",
        "opening": opening(body, year, CIRC2021 if edition == "2021" else CIRC2019,
                           "青溪县自然资源局办公室", "青溪县城关镇建设路18号"),
        "sections": {
            "overview": bureau_overview(year, 200 + rng.randint(0, 150), apps["new"]["total"]),
            "problems": bureau_problems(year),
            "other": (bureau_other_2021(apps["results"]["other"]["no_fee"]["total"], 3, 150)
                      if edition == "2021" else bureau_other_2019()),
        },
    }
    if edition == "2019":
        def listed(name, prev_count, change, decisions):
            if prev is not None:
                p = prev["active"][name]
                prev_count = p["previous_count"] + p["change"]
            r = {"previous_count": prev_count, "change": change}
            if decisions is not None:
                r["decisions"] = decisions
            return r
        doc["active"] = {
            "rules": {"new_made": 0, "new_published": 0, "total_published": 0},
            "normative_documents": {"new_made": 3, "new_published": 3, "total_published": 17 + year % 10},
            "licensing": listed("licensing", 46, rng.choice([-2, 1, 3]), 300 + rng.randint(0, 80)),
            "other_services": listed("other_services", 21, rng.choice([-1, 2]), 120 + rng.randint(0, 40)),
            "penalty": listed("penalty", 212, rng.choice([-5, 4]), 40 + rng.randint(0, 20)),
            "coercion": listed("coercion", 11, rng.choice([0, 1]), 3 + rng.randint(0, 4)),
            "fees": listed("fees", 6, rng.choice([-1, 0]), None),
            "procurement": {"projects": 7 + rng.randint(0, 5),
                            "amount": {"value": round(386.52 + rng.randint(0, 90), 2), "unit": "万元"}},
        }
    else:
        doc["active"] = {
            "rules": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_documents": {"issued": 4, "repealed": 2, "in_force": 19},
            "licensing": {"decisions": 352},
            "penalty": {"decisions": 57},
            "coercion": {"decisions": 6},
            "fees": {"amount": 86.42},
        }
    doc["applications"] = apps
    doc["reviews"] = reviews([[2, 1, 1, 1], [1, 1, 1, 1], [1, 1, 0, 1]] if edition == "2021"
                             else [[1, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1]])
    doc["signature"] = {"office": body, "date": f"{year + 1}-01-{18 + year % 7:02d}"}
    return doc


# ---------------------------------------------------------------- the pair
def market(year, carried_over, seed):
    rng = random.Random(seed)
    body = "青溪县市场监督管理局"
    apps = applications(rng, "2021", carried_over, 8)
    n = apps["new"]["total"]
    return {
        "edition": "2021",
        "body": body,
        "year": year,
        "title": f"{body}{year}年政府信息公开工作年度报告",
        "opening": opening(body, year, CIRC2021, "青溪县市场监督管理局办公室", "青溪县城关镇解放路62号"),
        "sections": {
            "overview": [
                f"{year}年，青溪县市场监督管理局深入贯彻落实《条例》和上级关于政务公开工作的部署要求，"
                "紧紧围绕优化营商环境、维护市场秩序、保障质量和食品药品安全等重点工作，"
                "不断提升政府信息公开工作的规范化、标准化水平。",
                {"heading": "（一）主动公开"},
                f"全年主动公开政府信息{260 + rng.randint(0, 90)}条，重点公开市场主体登记、"
                "“双随机、一公开”抽查结果、食品安全监督抽检结果、行政处罚决定等信息。"
                "行政许可和行政处罚信息均在作出决定之日起7个工作日内公开。",
                {"heading": "（二）依申请公开"},
                f"全年受理政府信息公开申请{n}件，主要涉及企业登记档案、投诉举报处理结果、"
                "产品质量抽检情况等。所有申请均在法定期限内答复，未发生逾期答复情况。",
                {"heading": "（三）政府信息管理"},
                "严格执行政府信息公开属性源头认定和保密审查制度，定期对已公开信息进行核查，"
                "及时更新主动公开目录和政府信息公开指南。",
                {"heading": "（四）政府信息公开平台建设"},
                "以县政府门户网站为第一平台，统筹用好“青溪市场监管”微信公众号和政务服务中心查阅点，"
                "形成线上线下相结合的公开格局。",
                {"heading": "（五）监督保障"},
                "将政务公开工作纳入年度目标管理考核，明确分管领导和专职工作人员，"
                "全年组织业务培训3次，未发生因政府信息公开引发的责任追究情况。",
            ],
            "problems": [
                "一是部分基层市场监管所信息报送意识不强，公开时效有待提高；"
                "二是政策解读的深度和广度不够，群众关注的热点回应还不够及时。",
                f"{year + 1}年，我局将进一步健全信息发布审核机制，加强对基层所的业务指导；"
                "围绕群众关切做好政策解读和舆情回应，不断提升政务公开工作实效。",
            ],
            "other": [
                f"依据《政府信息公开信息处理费管理办法》，本年度向申请人发出收费通知"
                f"{apps['results']['other']['no_fee']['total']}件，申请人均逾期未缴纳费用，"
                "本机关已依法不再处理相关申请，全年未实际收取信息处理费。",
                "本年度无其他需要报告的事项。",
            ],
        },
        "active": {
            "rules": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative_documents": {"issued": 2 + year % 2, "repealed": 1, "in_force": 11 + year % 3},
            "licensing": {"decisions": 1800 + rng.randint(0, 600)},
            "penalty": {"decisions": 90 + rng.randint(0, 40)},
            "coercion": {"decisions": 10 + rng.randint(0, 9)},
            "fees": {"amount": 0},
        },
        "applications": apps,
        "reviews": reviews([[1, 1, 0, 1], [1, 0, 1, 1], [0, 1, 1, 0]]),
        "signature": {"office": body, "date": f"{year + 1}-01-{20 + year % 5:02d}"},
    }


# ---------------------------------------------------------------- output
def write(path, doc):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")


def broken(base, name, change):
    doc = copy.deepcopy(base)
    change(doc)
    write(os.path.join("tests/data/check", name), doc)


def retyped(base, name, change, token, written):
    """Like broken(), then the number `token` (set by `change`, unique in the file) is replaced
    in the text by `written`: how a number is typed (1.99999999999999999) is not kept by a
    JSON writer."""
    doc = copy.deepcopy(base)
    change(doc)
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    assert text.count(str(token)) == 1, token
    with open(os.path.join("tests/data/check", name), "w", encoding="utf-8") as f:
        f.write(text.replace(str(token), written))


def from_blank(edition, year, body):
    """The report `nianbao init --year YEAR --body BODY` starts from: the edition's blank
    report (layouts/blank-EDITION.json) with {body} and {year} filled in."""
    with open(f"layouts/blank-{edition}.json", encoding="utf-8") as f:
        blank = json.load(f)

    def fill(v):
        if isinstance(v, str):
            return year if v == "{year}" else v.replace("{body}", body).replace("{year}", str(year))
        if isinstance(v, list):
            return [fill(x) for x in v]
        if isinstance(v, dict):
            return {k: fill(x) for k, x in v.items()}
        return v
    return fill(blank)


def clerk_mistakes(county):
    """One file per mistake a clerk typing with an input method makes in the text and the
    structure (issue 15), each on the county bureau's consistent 2021 report."""
    a = lambda d: d["applications"]  # noqa: E731
    ov = lambda d: d["sections"]["overview"]  # noqa: E731
    new = county["applications"]["new"]["total"]
    co = county["applications"]["carried_over"]["total"]
    res = county["applications"]["results"]["total"]["total"]
    cfw = county["applications"]["carried_forward"]["total"]
    recon = county["reviews"]["reconsideration"]["total"]
    lit = (county["reviews"]["litigation_direct"]["total"]
           + county["reviews"]["litigation_after_review"]["total"])
    rules = county["active"]["rules"]["issued"]
    norm = county["active"]["normative_documents"]["issued"]
    assert ov(county)[5].startswith("全年共受理政府信息公开申请")

    # -- every structural problem at once: all of them errors in one run
    def structure_all(d):
        del d["title"]
        d["year"] = "2021"                      # a year typed in quotes
        d["opening"].append("")                 # an empty paragraph
        ov(d)[1] = {"heading": ""}              # an empty sub-heading
        d["signature"]["date"] = "2022年1月20日"  # a date written the Chinese way
        del d["active"]["penalty"]
        del a(d)["results"]["refused"]          # a whole group of eight rows
        d["reviews"]["litigation_direct"] = [1, 0, 0, 0, 1]  # a row typed as a list
    broken(county, "structure-all.json", structure_all)

    # -- the year
    broken(county, "text-year-title.json",
           lambda d: d.__setitem__("title", d["title"].replace("2021年", "2020年")))

    def period(d):
        before = d["opening"][0]
        d["opening"][0] = before.replace("自2021年1月1日起至2021年12月31日止",
                                         "自2020年1月1日起至2020年12月31日止")
        assert d["opening"][0] != before
    broken(county, "text-year-period.json", period)

    # -- white space
    def newline(d):
        ov(d)[2] = ov(d)[2].replace("重点公开", "重点\n公开", 1)
    broken(county, "text-newline.json", newline)
    broken(county, "text-tab.json", lambda d: ov(d).__setitem__(3, "\t" + ov(d)[3]))
    broken(county, "text-spaces.json", lambda d: ov(d).__setitem__(7, " " + ov(d)[7] + " "))
    broken(county, "text-indent.json", lambda d: ov(d).__setitem__(0, "\u3000\u3000" + ov(d)[0]))

    # -- numbering and headings
    broken(county, "text-heading-parens.json",
           lambda d: ov(d).__setitem__(4, {"heading": "(二)依申请公开"}))
    broken(county, "text-heading-numbering.json",
           lambda d: ov(d).__setitem__(6, {"heading": "（二）政府信息管理"}))

    def list_numbering(d):
        p = d["sections"]["problems"]
        assert "三是" in p[0]
        p[0] = p[0].replace("三是", "二是")
    broken(county, "text-list-numbering.json", list_numbering)
    broken(county, "text-heading-repeated.json", lambda d: ov(d).insert(0, {"heading": "一、总体情况"}))

    # -- a count typed as a decimal: 3.0 (a warning), 1.99999999999999999 (reads as 2: an error)
    def decimal(d):
        a(d)["new"]["natural"] = float(a(d)["new"]["natural"])
    broken(county, "decimal-count.json", decimal)
    assert county["reviews"]["reconsideration"]["upheld"] == 2
    retyped(county, "decimal-count-inexact.json",
            lambda d: d["reviews"]["reconsideration"].__setitem__("upheld", 987654321),
            987654321, "1.99999999999999999")

    # -- the text contradicting the tables (as a city's report did: 258 and 265 in the text,
    # 275 and 337 in its table)
    def apps_mismatch(d):
        ov(d)[5] = (f"全年共收到政府信息公开申请{new - 17}件，上年结转{co}件，办结{res - 72}件，"
                    "均在法定期限内予以答复。申请内容主要涉及土地征收补偿、宅基地审批等事项。")
    broken(county, "table-mismatch-applications.json", apps_mismatch)

    def reviews_mismatch(d):
        ov(d).append(f"全年发生政府信息公开行政复议案件{recon + 1}件、行政诉讼{lit}件。")
    broken(county, "table-mismatch-reviews.json", reviews_mismatch)

    def active_mismatch(d):
        ov(d)[2] = f"全年主动公开规章{rules}件、行政规范性文件{norm + 2}件。" + ov(d)[2]
    broken(county, "table-mismatch-active.json", active_mismatch)

    # every pattern agreeing with the tables, and sentences that look alike but state
    # something else (a part, another year, another matter): no warning at all
    def figures_agree(d):
        full = "".join(chr(0xFF10 + int(ch)) for ch in str(new))
        ov(d)[5] = (f"全年共收到政府信息公开申请{full}件，上年结转{co}件，办结{res}件，"
                    f"结转下年度继续办理{cfw}件。本年新收申请 {new} 件，答复{res}件。")
        ov(d).extend([
            f"受理政府信息公开申请{new + co}件（含上年结转{co}件）。",
            f"本年度被申请行政复议{recon}件，行政诉讼案件共{lit}件。",
            f"全年主动公开规章{rules}件、行政规范性文件{norm}件，政策解读{norm + 9}件。",
            f"其中自然人申请{new + 5}件；较上年收到申请增加{new + 6}件。",
            f"其中通过网络收到政府信息公开申请{new + 15}件，同比新收申请{new + 16}件。",
            f"2020年共收到政府信息公开申请{new + 7}件。受理行政许可申请{new + 8}件。",
            f"收到行政复议申请{recon + 9}件，按时答复{res + 3}件，办结率100%。",
            f"现行有效规范性文件{norm + 11}件，清理废止规章{rules + 12}件。",
            f"公开“双随机、一公开”抽查结果{new + 13}件次，共收到政府信息公开申请约{new + 14}件。",
        ])
    broken(county, "text-figures-agree.json", figures_agree)

    # -- a fresh blank report (what `nianbao init` writes): every 【请填写…】 is a warning
    write("tests/data/check/placeholder-2021.json", from_blank("2021", 2021, "青溪县自然资源局"))


def main():
    b2019 = bureau(2019, "2019", [1, 0, 0, 0, 1, 0], seed=2019)
    b2020 = bureau(2020, "2019", cf(b2019), prev=b2019, seed=2020)
    county = bureau(2021, "2021", cf(b2020), seed=2021)
    p2021 = market(2021, [1, 1, 0, 0, 0, 0], seed=21)
    p2022 = market(2022, cf(p2021), seed=22)
    write("samples/county-bureau-2021.json", county)
    write("samples/pair-2021.json", p2021)
    write("samples/pair-2022.json", p2022)
    write("tests/data/check/base-2019.json", b2019)
    write("tests/data/check/base-2020.json", b2020)

    a = lambda d: d["applications"]  # noqa: E731

    def corner(d):  # 一 moves one application between two columns: row total still holds
        a(d)["new"]["natural"] += 1
        a(d)["new"]["commercial"] -= 1
    broken(county, "corner-rule.json", corner)

    def results_total(d):
        a(d)["results"]["disclosed"]["natural"] += 1
        a(d)["results"]["disclosed"]["commercial"] -= 1
    broken(county, "results-total.json", results_total)

    def row_total(d):  # two 总计 cells off by ±1: the 总计 column's sum still holds
        a(d)["results"]["disclosed"]["total"] += 1
        a(d)["results"]["partially_disclosed"]["total"] -= 1
    broken(county, "row-total.json", row_total)

    def review_total(d):
        d["reviews"]["reconsideration"]["total"] += 1
    broken(county, "review-total.json", review_total)

    broken(county, "negative-count.json", lambda d: a(d)["new"].__setitem__("natural", -2))
    broken(county, "fraction-count.json", lambda d: d["active"]["normative_documents"].__setitem__("issued", 2.5))
    broken(county, "huge-count.json",  # 2^53 + 1: not exactly representable
           lambda d: d["reviews"]["litigation_direct"].__setitem__("upheld", 9007199254740993))
    broken(county, "string-count.json", lambda d: a(d)["carried_forward"].__setitem__("total", "3"))
    broken(county, "bad-amount.json", lambda d: d["active"]["fees"].__setitem__("amount", -86.42))

    def date_before(d):
        d["signature"]["date"] = "2021-12-20"
    broken(county, "date-before-period.json", date_before)

    def unknown_key(d):
        d["titel"] = d["title"]
    broken(county, "unknown-key.json", unknown_key)

    def missing_count(d):
        del d["reviews"]["litigation_after_review"]["pending"]
    broken(county, "missing-count.json", missing_count)

    def missing_field(d):
        del a(d)["results"]["total"]
    broken(county, "missing-field.json", missing_field)

    def edition_year(d):  # a 2019 report on the 2021 edition's template
        d["edition"] = "2021"
        _to_2021_shape(d, county)
    broken(b2019, "edition-year.json", edition_year)

    def no_fees_statement(d):  # section 六 without the 2021 edition's 信息处理费 statement
        d["sections"]["other"] = [t for t in d["sections"]["other"] if "信息处理费" not in t]
    broken(county, "fees-statement.json", no_fees_statement)

    def carry_over(d):  # 二 and 四 both move one application: this year's own rules still hold
        for r in ("carried_over", "carried_forward"):
            a(d)[r]["natural"] += 1
            a(d)[r]["commercial"] -= 1
    broken(p2022, "carry-over-mismatch.json", carry_over)

    def blank_cell(d):  # a cell left blank (null): a warning, and the rules through it skipped
        a(d)["results"]["disclosed"]["natural"] = None
    broken(county, "blank-cell.json", blank_cell)

    def no_signature(d):  # most published reports print no signature: a note, no date rule
        del d["signature"]
    broken(county, "no-signature.json", no_signature)

    # an amount as a decimal string must be plain digits: no thousands separator
    broken(county, "bad-decimal.json", lambda d: d["active"]["fees"].__setitem__("amount", "1,500.00"))

    broken(b2020, "bad-change.json", lambda d: d["active"]["licensing"].__setitem__("change", 1.5))
    broken(b2020, "bad-unit.json", lambda d: d["active"]["procurement"]["amount"].__setitem__("unit", "千元"))
    clerk_mistakes(county)

    broken(b2020, "previous-count.json",
           lambda d: d["active"]["penalty"].__setitem__("previous_count", d["active"]["penalty"]["previous_count"] + 3))


def _to_2021_shape(d, county):
    """Turns a 2019 report into the shape of the 2021 edition while keeping its year."""
    d["active"] = copy.deepcopy(county["active"])
    other = d["applications"]["results"]["other"]
    zero = {c: 0 for c in COLS + ["total"]}
    d["applications"]["results"]["other"] = {"no_correction": other, "no_fee": dict(zero), "other": dict(zero)}
    d["sections"]["other"] = copy.deepcopy(county["sections"]["other"])


if __name__ == "__main__":
    main()
