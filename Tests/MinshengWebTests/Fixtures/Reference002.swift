/// Reference 002 (湘乡市实施民生可感行动工作专报 2024 年第 12 期, figures to the end of September),
/// attachments 1–3: the 45 indicators with their task (任务数), the quantity where the document
/// gives one (进度情况), and the printed completion (完成比例, one decimal).
///
/// Each row: list (1 = 已完成, 2 = 75% 以上, 3 = 75% 以下), category (省实事 / 湘潭市实事), name,
/// lead unit, target (a number, or the document's text), quantity (nil where the document
/// gives only words), printed percentage.
///
/// Where the document gives a numeric target and quantity, the import is given the quantity and
/// Minsheng computes the percentage; elsewhere it is given the printed percentage.
enum Reference002 {
    struct Row {
        let list: Int
        let category: String
        let name: String
        let lead: String
        let target: String
        let quantity: String?
        let printed: String
    }

    static let rows: [Row] = [
        // 附件1 湘乡市 1-9 月已完成的重点民生实事项目（25 项）
        Row(list: 1, category: "省实事", name: "城市低保标准", lead: "民政局", target: "不低于700元/月", quantity: nil, printed: "100.0"),
        Row(list: 1, category: "省实事", name: "农村低保标准", lead: "民政局", target: "不低于5520元/年", quantity: nil, printed: "100.0"),
        Row(list: 1, category: "省实事", name: "残疾人“两项补贴”", lead: "民政局", target: "不低于90元/人/月", quantity: nil, printed: "100.0"),
        Row(list: 1, category: "省实事", name: "提高散居孤儿基本生活最低保障", lead: "民政局", target: "不低于1150元/月", quantity: nil, printed: "100.0"),
        Row(list: 1, category: "省实事", name: "建设老年助餐服务点（个）", lead: "民政局", target: "2", quantity: nil, printed: "100.0"),
        Row(list: 1, category: "省实事", name: "困难老年人家庭适老化改造（户）", lead: "民政局", target: "528", quantity: "607", printed: "115.0"),
        Row(list: 1, category: "湘潭市实事", name: "提供青年创业免费工位（个）", lead: "人社局", target: "700", quantity: "755", printed: "107.9"),
        Row(list: 1, category: "湘潭市实事", name: "拓展大学生见习岗位（个）", lead: "人社局", target: "200", quantity: "519", printed: "259.5"),
        Row(list: 1, category: "湘潭市实事", name: "新增大学生就业见习基地（个）", lead: "人社局", target: "20", quantity: "20", printed: "100.0"),
        Row(list: 1, category: "省实事", name: "就业用工社保“三合一”数字服务覆盖", lead: "人社局", target: "全覆盖/30%", quantity: nil, printed: "100.0"),
        Row(list: 1, category: "省实事", name: "“三合一”事项（项）", lead: "人社局", target: "20", quantity: nil, printed: "100.0"),
        Row(list: 1, category: "省实事", name: "开工建设保障性租赁住房（套）", lead: "住建局", target: "214", quantity: nil, printed: "100.0"),
        Row(list: 1, category: "省实事", name: "开工改造城镇老旧小区（个）", lead: "住建局", target: "63", quantity: nil, printed: "100.0"),
        Row(list: 1, category: "省实事", name: "困难重度残疾人家庭无障碍改造（户）", lead: "残联", target: "285", quantity: "285", printed: "100.0"),
        Row(list: 1, category: "湘潭市实事", name: "康复救助7-14岁残疾儿童（人）", lead: "残联", target: "120", quantity: "168", printed: "140.0"),
        // task "225 人/1575 月", done "321 人/1666.5 月": a compound target, so the printed figure is imported
        Row(list: 1, category: "省实事", name: "康复救助残疾儿童（人/月）", lead: "残联", target: "225人/1575月", quantity: nil, printed: "105.8"),
        Row(list: 1, category: "省实事", name: "“向阳花”行动线上线下服务家长人数（人）", lead: "妇联", target: "15000", quantity: nil, printed: "165.4"),
        Row(list: 1, category: "省实事", name: "线上线下开展家庭教育指导服务和实践活动（场）", lead: "妇联", target: "80", quantity: nil, printed: "105.0"),
        Row(list: 1, category: "省实事", name: "农村适龄及城镇低保适龄妇女“两癌”免费检查（人）", lead: "卫生健康局", target: "12000", quantity: "12014", printed: "100.1"),
        Row(list: 1, category: "省实事", name: "推进县级应急广播建设工程", lead: "文旅广体局", target: "1", quantity: nil, printed: "100.0"),
        Row(list: 1, category: "省实事", name: "县域普通高中“徐特立项目”建成（所）", lead: "教育局", target: "1", quantity: nil, printed: "100.0"),
        Row(list: 1, category: "省实事", name: "提质改造“爱晚”老年学校（所）", lead: "教育局", target: "1", quantity: nil, printed: "100.0"),
        // the row prints "455 535" and no percentage; read as task 455, done 535 (117.58%)
        Row(list: 1, category: "省实事", name: "普惠托育服务“护蕾”行动（个）", lead: "卫生健康局", target: "455", quantity: "535", printed: ""),
        // 27.904 ÷ 27 = 103.348…%: 103.35% at two decimals; the document prints 103.4 (rounded twice)
        Row(list: 1, category: "省实事", name: "农村公路提质改造（公里）", lead: "交通运输局", target: "27", quantity: "27.904", printed: "103.4"),
        Row(list: 1, category: "湘潭市实事", name: "乡镇应急（消防）站建设（所）", lead: "应急管理局", target: "4", quantity: nil, printed: "100.0"),
        // 附件2 湘乡市 1-9 月进度在 75% 以上的重点民生实事项目（19 项）
        Row(list: 2, category: "省实事", name: "城镇新增就业（人）", lead: "人社局", target: "6150", quantity: nil, printed: "87.4"),
        Row(list: 2, category: "省实事", name: "实现加载交通出行功能的社保卡持卡人数（人）", lead: "人社局", target: "29232", quantity: nil, printed: "76.0"),
        Row(list: 2, category: "湘潭市实事", name: "乡镇敬老院安居工程（所）", lead: "民政局", target: "6", quantity: nil, printed: "95.0"),
        Row(list: 2, category: "省实事", name: "新增蓄水能力（万方）", lead: "水利局", target: "386", quantity: "364.9", printed: "94.5"),
        Row(list: 2, category: "省实事", name: "恢复和改善灌溉面积（万亩）", lead: "水利局", target: "5.2", quantity: "5", printed: "96.2"),
        Row(list: 2, category: "省实事", name: "新生儿疾病免费筛查与诊断服务（人）", lead: "卫生健康局", target: "2467", quantity: "2003", printed: "81.2"),
        Row(list: 2, category: "湘潭市实事", name: "公立医院及基层卫生机构标准化建设（所）", lead: "卫生健康局", target: "25", quantity: nil, printed: "90.0"),
        Row(list: 2, category: "湘潭市实事", name: "农村普通中小学寄宿制学校提质改造（所）", lead: "教育局", target: "3", quantity: nil, printed: "90.0"),
        Row(list: 2, category: "省实事", name: "农村公路安防建设（公里）", lead: "交通运输局", target: "132.2", quantity: "99.278", printed: "75.1"),
        Row(list: 2, category: "省实事", name: "政务服务统一受理办结率", lead: "数据局", target: "提升至90%以上", quantity: nil, printed: "75.0"),
        Row(list: 2, category: "省实事", name: "新增上线“高效办成一件事”（个）", lead: "数据局", target: "17", quantity: nil, printed: "75.0"),
        Row(list: 2, category: "省实事", name: "新增惠民便企示范应用场景和高频特色服务事项（个）", lead: "数据局", target: "3", quantity: nil, printed: "75.0"),
        Row(list: 2, category: "省实事", name: "企业和群众办事纸质证照免提交率", lead: "数据局", target: "提升至60%以上", quantity: nil, printed: "75.0"),
        Row(list: 2, category: "省实事", name: "提供法律援助案件（件）", lead: "司法局", target: "388", quantity: "357", printed: "92.0"),
        Row(list: 2, category: "省实事", name: "为基层应急救援队伍配备救援装备：本市级（个）", lead: "应急管理局", target: "", quantity: nil, printed: "75.0"),
        Row(list: 2, category: "省实事", name: "为基层应急救援队伍配备救援装备：乡镇、街道（个）", lead: "应急管理局", target: "22", quantity: nil, printed: "75.0"),
        Row(list: 2, category: "湘潭市实事", name: "培训新农民（人）", lead: "农业农村局", target: "3550", quantity: "3355", printed: "94.5"),
        Row(list: 2, category: "省实事", name: "普通国省道安全设施精细化提升（公里）", lead: "交通运输局", target: "16", quantity: "12.8", printed: "80.0"),
        Row(list: 2, category: "湘潭市实事", name: "安装智能化独立感烟报警器（户）", lead: "应急管理局", target: "1500", quantity: "1130", printed: "75.3"),
        // 附件3 湘乡市 1-9 月进度在 75% 以下的重点民生实事项目（1 项）
        // "已完成隐患整改7处" of 22 would be 31.82%; the document prints 32.0, which is imported
        Row(list: 3, category: "湘潭市实事", name: "重点治理农村道路临水临崖、平交路口重大风险隐患（处）", lead: "公安局交警大队", target: "22", quantity: nil, printed: "32.0"),
    ]
}
