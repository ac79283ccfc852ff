#!/usr/bin/env python3
"""Builds the demo programme's CSV files from the reference documents.

The percentages below are transcribed from ../shared/reference/000_c53a9f6ed39c4636.txt
(附件1: 省定, 附件3: 市定, figures at the end of October 2024) and the targets from the same
document and from 001_90fe5bb0d1ba6787.txt (Shaodong's 2023 plan, 附件1-3).

The documents give only percentages for the districts, so this script invents district
targets and quantities that reproduce every printed percentage exactly (rounded half-up to
two decimals), and whose sum over the districts divided by the city's printed target gives
the printed 全市 figure for 求和 indicators. Months 1-9 ramp up to October's figure.

Output (normative exchange format of issue 3), into Sources/MinshengData/Demo/Resources:
  plan-*.csv      级别,实事序号,实事名称,项目名称,指标任务,单位,进度类型,汇总方式,牵头单位,行政区划,目标任务
  progress-*.csv  月份,项目名称,指标任务,行政区划,完成数量,进度,进度情况
  content-*.csv   项目名称,建设内容  (demo-only: the project descriptions shown on pages)
Run: python3 Scripts/make-demo-data.py
"""
import csv
import os
from decimal import Decimal, ROUND_HALF_UP

OUT = os.path.join(os.path.dirname(__file__), "..", "Sources", "MinshengData", "Demo", "Resources")

PROVINCE_COLUMNS = ["双清区", "大祥区", "北塔区", "邵东市", "新邵县", "邵阳县", "隆回县", "洞口县", "绥宁县",
                    "新宁县", "城步苗族自治县", "经开区", "武冈市", "市本级"]
CITY_COLUMNS = ["市本级", "双清区", "大祥区", "北塔区", "邵东市", "新邵县", "邵阳县", "隆回县", "洞口县", "绥宁县",
                "新宁县", "城步苗族自治县", "武冈市", "经开区"]
# Rough relative sizes, so invented targets look plausible.
WEIGHT = {"双清区": 6, "大祥区": 7, "北塔区": 4, "邵东市": 13, "新邵县": 8, "邵阳县": 10, "隆回县": 12, "洞口县": 9,
          "绥宁县": 5, "新宁县": 6, "城步苗族自治县": 4, "经开区": 2, "武冈市": 8, "市本级": 3}


def pct(text):
    """'/' or '' = no share; otherwise a percentage string."""
    text = text.strip().rstrip("%")
    return None if text in ("", "/") else Decimal(text)


def row(values, columns):
    parts = values.split()
    assert len(parts) == len(columns), (values, len(parts))
    return {c: pct(v) for c, v in zip(columns, parts)}


def r2(x):
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def solve_sum(city_target, city_pct, children, decimals):
    """Invents (target, quantity) per child reproducing each child's % and the city's %."""
    step = Decimal(1).scaleb(-decimals)
    total_w = sum(WEIGHT[c] for c in children)

    def fits(t, p):
        q = (p * t / 100 / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
        return q if t > 0 and r2(q / t * 100) == p else None

    def near(base, p, direction=0):
        for k in range(0, 20000):
            for sign in ((1, -1) if direction == 0 else (direction,)):
                t = base + sign * k * step
                if t <= 0:
                    continue
                q = fits(t, p)
                if q is not None:
                    return t, q
        return None

    shares = {}
    for c, p in children.items():
        base = max(step, (city_target * WEIGHT[c] / total_w / step).quantize(Decimal(1)) * step)
        if p == 0:
            shares[c] = (base, Decimal(0))
        else:
            shares[c] = near(base, p) or (base, base)
    lo = (city_pct - Decimal("0.005")) * city_target / 100
    hi = (city_pct + Decimal("0.005")) * city_target / 100
    names = [c for c in children if children[c] and children[c] > 0]
    mid = (lo + hi) / 2
    candidates = {}
    for c in names:
        base = shares[c][0]
        span = max(int(base / step) if len(children) <= 4 else int(base / step / 2), 40)
        options = []
        for k in range(-span, span + 1):
            t = base + k * step
            if t <= 0:
                continue
            q = fits(t, children[c])
            if q is not None:
                options.append((t, q))
        candidates[c] = options
    for _ in range(200):
        total = sum(q for _, q in shares.values())
        if lo <= total < hi:
            return shares
        best = None
        for c in names:
            for t, q in candidates[c]:
                new_total = total - shares[c][1] + q
                score = abs(new_total - mid)
                if best is None or score < best[0]:
                    best = (score, c, t, q)
        if best is None or abs(total - mid) <= best[0]:
            # No single change helps: try changing two children at once.
            for a in range(len(names)):
                for b in range(a + 1, len(names)):
                    ca, cb = names[a], names[b]
                    rest = total - shares[ca][1] - shares[cb][1]
                    by_q = {}
                    for t, q in candidates[cb]:
                        by_q.setdefault(q, (t, q))
                    for ta, qa in candidates[ca]:
                        for qb, pair in by_q.items():
                            if lo <= rest + qa + qb < hi:
                                shares[ca] = (ta, qa)
                                shares[cb] = pair
                                return shares
            if len(names) <= 4:
                # Few children: search all three-way combinations.
                import itertools
                for combo in itertools.combinations(names, 3):
                    others = total - sum(shares[c][1] for c in combo)
                    qa_list = candidates[combo[0]]
                    qb_map = {}
                    for t, q in candidates[combo[1]]:
                        qb_map.setdefault(q, (t, q))
                    qc_map = {}
                    for t, q in candidates[combo[2]]:
                        qc_map.setdefault(q, (t, q))
                    for ta, qa in qa_list:
                        for qb, pb in qb_map.items():
                            need_lo, need_hi = lo - others - qa - qb, hi - others - qa - qb
                            for qc, pc in qc_map.items():
                                if need_lo <= qc < need_hi:
                                    shares[combo[0]] = (ta, qa)
                                    shares[combo[1]] = pb
                                    shares[combo[2]] = pc
                                    return shares
            break
        shares[best[1]] = (best[2], best[3])
    raise SystemExit(f"could not reach {city_pct} of {city_target}")


def fmt(x):
    s = format(x.normalize(), "f")
    return s


# ---------------------------------------------------------------------------------------------
# Reference 000, 附件1 (省定). Each indicator: item no, item, project, content, indicator,
# unit, kind, rule, lead unit, city target, decimals, city %, district row.
P = PROVINCE_COLUMNS
ITEMS_1 = {1: "推进教育高质量发展", 2: "提高优生优育水平", 3: "提高困难群体救助标准", 4: "关爱特殊群体",
           5: "促进高质量充分就业", 6: "提高养老服务水平", 7: "提高社会治理水平", 8: "提升数字服务能力",
           9: "改善人居环境", 10: "提升农业农村基础设施水平"}
A1 = [
    (1, "建成县域普通高中“徐特立项目”", "建成县域普通高中“徐特立项目”10所。", "建成县域普通高中“徐特立项目”", "所", "形象进度", "平均", "市教育局", 10, 0, "97.78",
     "/ / / 100% 100% 90.00% 100% 90.00% 100% 100% 100% / 100% /"),
    (1, "家庭教育指导服务“向阳花”行动", "在全市线上线下开展家庭教育指导服务和实践活动750场，惠及31万家长。", "线上线下场次", "场", "进度", "求和", "市妇联", 750, 0, "103.73",
     "100% 110.00% 110.00% 101.25% 113.33% 110.00% 101.25% 101.67% 103.33% 100% 100% / 103.33% 100%"),
    (1, "家庭教育指导服务“向阳花”行动", None, "线上线下服务人数", "人", "进度", "求和", "市妇联", 310000, 0, "254.57",
     "254.57% 254.57% 254.57% 254.57% 254.57% 254.57% 254.57% 254.57% 254.57% 254.57% 254.57% / 254.57% 254.57%"),
    (2, "新生儿疾病免费筛查与诊断服务", "为全市新生儿提供听力障碍、致盲性眼病、遗传代谢病、先天性心脏病免费筛查与诊断服务全覆盖。", "新生儿免费筛查与诊断服务覆盖人数", "人", "进度", "求和", "市卫健委", 42000, 0, "101.43",
     "107.59% 120.29% 146.00% 100.48% 88.89% 97.35% 97.26% 93.37% 91.91% 97.22% 107.17% / 104.38% /"),
    (2, "普惠性托育“护蕾”行动", "新增普惠性托位3900个。", "新增普惠性托位", "个", "进度", "求和", "市卫健委", 3900, 0, "95.13",
     "103.09% 101.81% 100% 101.97% 105.26% 68.34% 76.29% 101.49% 103.45% 104.92% 117.65% / 100% /"),
    (3, "提高城乡低保标准", "城市低保标准提高到不低于700元/月，农村低保标准提高到不低于5400元/年。", "城市低保标准", "元/月", "进度", "平均", "市民政局", 700, 0, "100",
     "100% 100% 100% 100% 100% 100% 100% 100% 100% 100% 100% / 100% 100%"),
    (3, "提高残疾人“两项补贴”标准", "困难残疾人生活补贴和重度残疾人护理补贴标准均提高到不低于90元/月·人。", "两项补贴标准", "元/月·人", "进度", "平均", "市民政局", 90, 0, "100",
     "100% 100% 100% 100% 100% 100% 100% 100% 100% 100% 100% / 100% 100%"),
    (3, "提高孤儿和事实无人抚养儿童基本生活最低保障", "散居和集中养育孤儿基本生活费最低保障标准分别提高到1150元/月、1600元/月。", "散居孤儿基本生活费最低保障标准", "元/月", "进度", "平均", "市民政局", 1150, 0, "100",
     "100% 100% 100% 100% 100% 100% 100% 100% 100% 100% 100% / 100% 100%"),
    (4, "农村适龄及城镇低保适龄妇女“两癌”免费检查", "农村适龄及城镇低保适龄妇女“两癌”免费检查94850人。", "“两癌”免费检查人数", "人", "进度", "求和", "市妇联", 94850, 0, "100.64",
     "101.00% 101.00% 101.00% 100.63% 100% 100.21% 100.40% 103.19% 101.12% 100.07% 100.29% / 100.30% /"),
    (4, "困难重度残疾人家庭无障碍改造", "实施困难重度残疾人家庭无障碍改造3080户。", "无障碍改造户数", "户", "进度", "求和", "市残联", 3080, 0, "100.97",
     "100.71% 101.25% 101.00% 100% 100.49% 101.21% 102.58% 100.27% 103.18% 100.32% 101.76% / 100% /"),
    (4, "康复救助残疾儿童", "康复训练听力、智力、肢体残疾儿童和孤独症儿童1800名。", "康复救助残疾儿童人数", "人", "进度", "求和", "市残联", 1800, 0, "128.28",
     "146.27% 137.00% 150.00% 121.56% 112.69% 134.87% 133.64% 134.98% 121.74% 133.68% 123.53% / 134.55% /"),
    (5, "促进高质量充分就业", "城镇新增就业4.4万人；就业用工社保“三合一”数字服务县市区全覆盖。", "城镇新增就业", "人", "进度", "求和", "市人社局", 44000, 0, "92.53",
     "83.69% 84.00% 94.92% 87.61% 93.52% 93.78% 85.05% 95.87% 94.78% 89.49% 95.19% / 91.17% /"),
    (5, "促进高质量充分就业", None, "“三合一”数字服务县市区全覆盖", "%", "进度", "平均", "市人社局", 100, 0, "100",
     "100% 100% 100% 100% 100% 100% 100% 100% 100% 100% 100% / 100% 100%"),
    (5, "促进高质量充分就业", None, "“三合一”事项", "项", "进度", "求和", "市人社局", None, 0, "100",
     "100% 100% 100% 100% 100% 100% 100% 100% 100% 100% 100% / 100% 100%"),
    (6, "建设老年助餐服务点", "建设老年助餐服务点40个。", "建设老年助餐服务点", "个", "进度", "求和", "市民政局", 40, 0, "130.00",
     "133.33% 133.33% 133.33% 125.00% 125.00% 125.00% 125.00% 125.00% 150.00% 133.33% 150.00% / 125.00% /"),
    (6, "实施特殊困难老年人家庭适老化改造", "实施特殊困难老年人家庭适老化改造2584户。", "适老化改造户数", "户", "进度", "求和", "市民政局", 2584, 0, "100.81",
     "100% 100% 118.75% 100% 100% 100% 100% 100% 100% 100% 109.00% / 100% /"),
    (6, "提质改造“爱晚”老年学校", "提质改造“爱晚”老年学校10所。", "提质改造“爱晚”老年学校", "所", "形象进度", "平均", "市教育局", 10, 0, "98.18",
     "100% / / 100% 100% 100% 100% 100% 100% 100% 80.00% / 100% 100%"),
    (7, "法律援助", "全市提供法律援助案件5350件。", "法律援助案件", "件", "进度", "求和", "市司法局", 5350, 0, "136.17",
     "114.61% 129.82% 102.77% 123.50% 128.28% 113.93% 126.94% 107.68% 148.62% 154.35% 103.41% / 130.84% 110.30%"),
    (7, "基层防灾能力提升", "为全市自然灾害综合风险中等以上的10个县市区及其所辖176个乡镇（街道）的基层应急救援队伍配备易操作、易维护的救援装备。", "县市区级", "个", "进度", "平均", "市应急管理局", 10, 0, "85.00",
     "85.00% 85.00% 85.00% 85.00% 85.00% 85.00% 85.00% 85.00% / 85.00% / / 85.00% /"),
    (7, "基层防灾能力提升", None, "乡镇（街道）", "个", "进度", "平均", "市应急管理局", 176, 0, "85.00",
     "85.00% 85.00% 85.00% 85.00% 85.00% 85.00% 85.00% 85.00% / 85.00% / / 85.00% /"),
    (7, "市县两级应急广播建设工程", "完成1个市级应急广播平台和未受中央补助的2个县市区应急广播体系建设和验收，其余未受中央补助的2个县市区完成应急广播体系建设项目的资金落实、技术方案审批、招标文件编制并实现挂网。", "市级建设和验收数量", "个", "形象进度", "平均", "市文旅广电局", 1, 0, "83.60",
     "/ / / / / / / / / / / / / 83.60%"),
    (7, "市县两级应急广播建设工程", None, "县市区建设和验收数量", "个", "形象进度", "平均", "市文旅广电局", 2, 0, "100",
     "100% 100% / / / / / / / / / / / /"),
    (7, "市县两级应急广播建设工程", None, "县市区完成资金落实、技术方案审批、招标文件编制并实现挂网数量", "个", "形象进度", "平均", "市文旅广电局", 2, 0, "100",
     "/ / 100% 100% / / / / / / / / / /"),
    (8, "数字政务提质增效惠民工程", "新增上线17个“高效办成一件事”；新增惠民便企示范应用场景和高频特色服务事项超过7个；企业和群众办事纸质证照免提交率提升至60%以上；政务服务统一受理办结率提升至90%以上。", "新增上线17个“高效办成一件事”", "个", "形象进度", "平均", "市数据局", 17, 0, "92.20",
     "92.20% 92.20% 92.20% 92.20% 92.20% 92.20% 92.20% 92.20% 92.20% 92.20% 92.20% 92.20% 92.20% 92.20%"),
    (8, "数字政务提质增效惠民工程", None, "新增惠民便企示范应用场景和高频特色服务事项超过7个", "个", "形象进度", "平均", "市数据局", 7, 0, "98.00",
     "98.00% 98.00% 98.00% 98.00% 98.00% 98.00% 98.00% 98.00% 98.00% 98.00% 98.00% 98.00% 98.00% 98.00%"),
    (8, "数字政务提质增效惠民工程", None, "企业和群众办事纸质证照免提交率提升至60%以上", "%", "形象进度", "平均", "市数据局", 60, 0, "85.00",
     "85.00% 85.00% 85.00% 85.00% 85.00% 85.00% 85.00% 85.00% 85.00% 85.00% 85.00% 85.00% 85.00% 85.00%"),
    (8, "数字政务提质增效惠民工程", None, "政务服务统一受理办结率提升至90%以上", "%", "形象进度", "平均", "市数据局", 90, 0, "91.00",
     "91.00% 91.00% 91.00% 91.00% 91.00% 91.00% 91.00% 91.00% 91.00% 91.00% 91.00% 91.00% 91.00% 91.00%"),
    (8, "社会保障卡居民服务“一卡通”", "加载交通出行功能的社保卡持卡人数达20.49万人；市城区公交车载设备（机具）改造率达90%以上。", "加载交通出行功能的社保卡持卡人数", "万人", "进度", "求和", "市人社局", Decimal("20.49"), 4, "108.99",
     "108.99% 108.99% 108.99% 108.99% 108.99% 108.99% 108.99% 108.99% 108.99% 108.99% 108.99% / 108.99% /"),
    (9, "开工改造城镇老旧小区", "开工改造城镇老旧小区157个（具备条件的小区楼房加装电梯，完善消防安全设施）。", "开工改造城镇老旧小区", "个", "进度", "求和", "市住建局", 157, 0, "100",
     "100% 100% 100% 100% 100% 100% 100% 100% 100% 100% 100% / 100% /"),
    (9, "保障性租赁住房建设", "开工建设保障性租赁住房2254套。", "开工建设保障性租赁住房", "套", "进度", "求和", "市住建局", 2254, 0, "96.50",
     "/ / / 100% / 84.29% 100% 100% / 100% / 100% 100% /"),
    (10, "农村“三路”建设及农村公路安防", "农村公路提质改造498公里（乡镇通三级公路、旅游资源产业路、新村与撤并村间便捷连通路）；建设农村公路安防设施3350公里（含标志标牌）；普通国省道安全设施精细化提升125公里。", "农村公路提质改造", "公里", "进度", "求和", "市交通运输局", 498, 2, "98.11",
     "113.30% 116.80% / 104.77% 100.12% 110.57% 96.54% 76.42% 107.53% 101.94% 112.68% / 119.08% /"),
    (10, "农村“三路”建设及农村公路安防", None, "建设农村公路安防设施", "公里", "进度", "求和", "市交通运输局", 3350, 2, "94.71",
     "100% 100% 100% 101.78% 98.91% 98.45% 85.91% 96.34% 100% 103.88% 100% / 100% /"),
    (10, "农村“三路”建设及农村公路安防", None, "普通国省道安全设施精细化提升", "公里", "进度", "求和", "市交通运输局", 125, 2, "117.22",
     "/ / / / 126.93% / 105.07% 99.01% 100.70% 102.65% 260.17% / / /"),
    (10, "农村水源保障及灌溉能力提升", "新增蓄水能力1060万方；恢复和改善灌溉面积13万亩。", "新增蓄水能力", "万方", "进度", "求和", "市水利局", 1060, 2, "94.00",
     "100% 91.19% 100% 97.89% 92.59% 92.34% 95.45% 96.45% 92.41% 92.67% 93.46% / 91.08% 91.25%"),
    (10, "农村水源保障及灌溉能力提升", None, "恢复和改善灌溉面积", "万亩", "进度", "求和", "市水利局", 13, 2, "93.08",
     "/ / / 100% / / / 100% 93.33% 100% / / 84.62% /"),
    (10, "农村千人以上集中式饮用水水源地突出环境问题整治", "完成180个农村千人以上集中式饮用水水源地突出环境问题整治。", "农村千人以上集中式饮用水水源地突出环境问题整治", "个", "进度", "求和", "市生态环境局", 180, 0, "107.78",
     "/ / / / 100% 100% 100% 100% 100% 100% / / / /"),
]

# Reference 000, 附件3 (市定).
C = CITY_COLUMNS
A3 = [
    (1, "推动10所县域高中“徐特立项目”建成使用", "推动10所县域高中“徐特立项目”建成使用", "所", "形象进度", "平均", "市教育局", 10, 0, "97.78",
     "/ / / / 100.00% 100.00% 90.00% 100.00% 90.00% 100.00% 100.00% 100.00% 100.00% /"),
    (2, "实现失业人员再就业27000人", "实现失业人员再就业27000人", "人", "进度", "求和", "市人社局", 27000, 0, "140.44",
     "/ 131.02% 126.34% 141.83% 129.93% 156.00% 168.81% 133.77% 155.31% 115.95% 153.90% 141.00% 127.41% /"),
    (2, "困难人员再就业7500人", "困难人员再就业7500人", "人", "进度", "求和", "市人社局", 7500, 0, "97.11",
     "/ 87.36% 89.10% 103.85% 94.38% 97.85% 100.62% 102.86% 95.00% 100.18% 90.31% 95.00% 114.46% /"),
    (3, "完成特殊困难老年人家庭适老化改造2200户以上", "完成特殊困难老年人家庭适老化改造2200户以上", "户", "进度", "求和", "市民政局", 2584, 0, "100.81",
     "/ 100.00% 100.00% 118.75% 100.00% 100.00% 100.00% 100.00% 100.00% 100.00% 100.00% 109.00% 100.00% /"),
    (3, "建设老年食堂、助餐服务点100个", "建设老年食堂、助餐服务点100个", "个", "进度", "求和", "市民政局", 100, 0, "100.00",
     "/ 100.00% 100.00% 100.00% 100.00% 100.00% 100.00% 100.00% 100.00% 100.00% 100.00% 100.00% 100.00% /"),
    (4, "完成困难残疾人家庭无障碍改造2900户以上", "完成困难残疾人家庭无障碍改造2900户以上", "户", "进度", "求和", "市残联", 3080, 0, "100.97",
     "/ 100.71% 101.25% 101.00% 100.00% 100.49% 101.21% 102.58% 100.27% 103.18% 100.32% 101.76% 100.00% /"),
    (5, "新增婴幼儿照护托位3500个", "新增婴幼儿照护托位3500个", "个", "进度", "求和", "市卫健委", 3500, 0, "106.57",
     "/ 117.65% 100.00% 320.00% 100.00% 100.00% 100.00% 87.72% 100.00% 150.00% 106.67% 106.67% 117.95% /"),
    (5, "脑卒中高危人群筛查和干预", "脑卒中高危人群筛查和干预5500例", "例", "进度", "求和", "市卫健委", 5500, 0, "111.02",
     "133.40% / 104.45% / 100.80% / / / / / / / / /"),
    (6, "修建农村公路500公里", "修建农村公路500公里", "公里", "进度", "求和", "市交通运输局", 498, 2, "98.11",
     "/ 113.30% 116.80% / 104.77% 100.12% 110.57% 96.54% 76.42% 107.53% 101.94% 112.68% 119.08% /"),
    (7, "化解超期安置3200户", "化解超期安置3200户", "户", "进度", "求和", "市住建局", 3200, 0, "29.34",
     "/ 23.08% 10.67% 0.00% 36.01% / 100.00% / / / / / / 100.00%"),
    (8, "完成安置房和安置地建房办证1100户", "完成安置房和安置地建房办证1100户", "户", "进度", "求和", "市自然资源和规划局", 1100, 0, "103.64",
     "/ 88.00% 113.78% 100.44% / / / / / / / / / /"),
    (9, "改造危旧燃气管网130公里", "改造危旧燃气管网130公里", "公里", "进度", "求和", "市住建局", 130, 2, "111.58",
     "112.73% / / / 99.13% / 100.00% 100.00% 95.00% / 127.38% / 100.00% /"),
    (9, "新建燃气管网110公里", "新建燃气管网110公里", "公里", "进度", "求和", "市住建局", 110, 2, "124.16",
     "188.33% / / / 166.67% / 100.00% 100.00% 95.39% 111.11% / 106.00% 100.00% /"),
    (10, "解决市城区2万户6万人的二次供水问题", "解决市城区2万户6万人的二次供水问题", "户", "进度", "求和", "市住建局", 20000, 0, "87.80",
     "87.80% / / / / / / / / / / / / /"),
]

PLAN_HEADER = ["级别", "实事序号", "实事名称", "项目名称", "指标任务", "单位", "进度类型", "汇总方式", "牵头单位", "行政区划", "目标任务"]
PROGRESS_HEADER = ["月份", "项目名称", "指标任务", "行政区划", "完成数量", "进度", "进度情况"]


def ramp(month):
    """Share of October's figure reached at the end of `month` (1..10)."""
    return [Decimal(x) for x in ("0.08", "0.15", "0.26", "0.37", "0.48", "0.58", "0.68", "0.78", "0.89", "1")][month - 1]


def note(kind, p, unit, q):
    if kind == "形象进度":
        return "已完工并投入使用" if p >= 100 else "主体工程已完工，正在进行附属设施建设和验收准备"
    if p >= 100:
        return f"已完成全年目标任务，累计完成{fmt(q)}{unit}" if q is not None else "已达到年度标准"
    return f"累计完成{fmt(q)}{unit}，正在加快推进" if q is not None else "正在加快推进"


def build(level, year, rows_spec, columns, item_names, plan_name, has_content):
    plan_rows, progress_rows, content_rows = [], [], []
    seen_projects = set()
    for spec in rows_spec:
        if has_content:
            item_no, project, content, indicator, unit, kind, rule, lead, target, decimals, city_pct, values = spec
            item_name = item_names[item_no]
        else:
            item_no, project, indicator, unit, kind, rule, lead, target, decimals, city_pct, values = spec
            content = None
            item_name = [s[1] for s in rows_spec if s[0] == item_no][0]
        children = {c: v for c, v in row(values, columns).items() if v is not None}
        city_pct = Decimal(city_pct)
        if project not in seen_projects and content:
            content_rows.append([project, content])
            seen_projects.add(project)
        if kind == "进度" and rule == "求和":
            if target is None:
                # No city target in the plan: the sum of the children's targets is used.
                shares = {c: (Decimal(WEIGHT[c] * 2), Decimal(WEIGHT[c] * 2)) for c in children}
            else:
                shares = solve_sum(Decimal(target), city_pct, children, decimals)
            total = sum(q for _, q in shares.values())
            own_target = Decimal(target) if target is not None else None
            if own_target is not None:
                assert r2(total / own_target * 100) == city_pct, (indicator, total, own_target)
        else:
            each = Decimal(target) if target is not None else None
            shares = {c: (each if rule == "平均" and kind == "进度" else Decimal(1), None) for c in children}
            own_target = Decimal(target) if target is not None else None
            if kind != "进度" or rule == "平均":
                mean = r2(sum(children.values()) / len(children))
                assert mean == city_pct, (indicator, mean, city_pct)
        aggregate = "全市"
        plan_rows.append([level, item_no, item_name, project, indicator, unit, kind, rule, lead, aggregate,
                          fmt(own_target) if own_target is not None else ""])
        for c in children:
            t, q = shares[c]
            plan_rows.append([level, item_no, item_name, project, indicator, unit, kind, rule, lead, c, fmt(t)])
            p = children[c]
            for m in range(1, 11):
                f = ramp(m)
                if kind == "进度" and rule == "求和":
                    step = Decimal(1).scaleb(-decimals)
                    qm = (q * f / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
                    progress_rows.append([f"{year}-{m:02d}", project, indicator, c, fmt(qm), "", note(kind, qm / t * 100, unit, qm)])
                elif kind == "进度":
                    # Standards met from January (f=1) or given percentages ramping up.
                    pm = p if p >= 100 else r2(p * f)
                    qm = (t * pm / 100) if t is not None else None
                    progress_rows.append([f"{year}-{m:02d}", project, indicator, c, fmt(qm) if qm is not None else "", "" if qm is not None else f"{pm}%", note(kind, pm, unit, qm)])
                else:
                    pm = r2(p * f)
                    progress_rows.append([f"{year}-{m:02d}", project, indicator, c, "", f"{pm}%", note(kind, pm, unit, None)])
    return plan_rows, progress_rows, content_rows


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


FIXTURE = os.path.join(os.path.dirname(__file__), "..", "Tests", "MinshengWebTests", "Fixtures", "Reference000.swift")


def write_fixture():
    """The printed October percentages, as the tests compare them: one line per indicator and
    region (全市 and every district with a share), exactly as the attachments print them."""
    lines = [
        "// Generated by Scripts/make-demo-data.py from its transcription of reference 000",
        "// (../shared/reference/000_c53a9f6ed39c4636.txt): 附件1 (省定) and 附件3 (市定), the",
        "// percentages printed for the end of October 2024, 全市 first, then each district with a",
        "// share. \"/\" cells (no share) are left out.",
        "enum Reference000 {",
        "    struct Printed {",
        "        let attachment: String",
        "        let project: String",
        "        let indicator: String",
        "        let region: String",
        "        let percent: String",
        "    }",
        "",
        "    static let rows: [Printed] = [",
    ]
    def emit(attachment, specs, columns, has_content):
        for spec in specs:
            if has_content:
                _, project, _, indicator, *_rest = spec
            else:
                _, project, indicator, *_rest = spec
            city_pct, values = spec[-2], spec[-1]
            cells = [("全市", Decimal(city_pct))] + [(c, v) for c, v in row(values, columns).items() if v is not None]
            for region, value in cells:
                text = f"{r2(Decimal(value))}%"
                lines.append(f'        Printed(attachment: "{attachment}", project: "{project}", indicator: "{indicator}", region: "{region}", percent: "{text}"),')
    emit("附件1", A1, P, True)
    emit("附件3", A3, C, False)
    lines += ["    ]", "}", ""]
    with open(FIXTURE, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main():
    os.makedirs(OUT, exist_ok=True)
    write_fixture()
    plan, progress, content = build("省定", 2024, A1, P, ITEMS_1, "省定", True)
    write("plan-shaoyang-2024-province.csv", PLAN_HEADER, plan)
    write("progress-shaoyang-2024-province.csv", PROGRESS_HEADER, progress)
    write("content-shaoyang-2024-province.csv", ["项目名称", "建设内容"], content)
    plan, progress, _ = build("市定", 2024, A3, C, None, "市定", False)
    write("plan-shaoyang-2024-city.csv", PLAN_HEADER, plan)
    write("progress-shaoyang-2024-city.csv", PROGRESS_HEADER, progress)
    print("ok")


if __name__ == "__main__":
    main()
