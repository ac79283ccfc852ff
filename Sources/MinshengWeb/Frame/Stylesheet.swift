/// The one stylesheet, served from /assets/app.css. Desktop at 1366 px and phones at 360 px.
enum Stylesheet {
    static let css = """
    :root{--ink:#1d2433;--muted:#5d6779;--line:#dfe3ea;--bg:#f4f6f9;--card:#fff;--brand:#b4262b;--brand-dark:#8e1c20;
    --blue:#2f6fd0;--green:#1f8a4c;--red:#d2452f;--amber:#b7791f;}
    *{box-sizing:border-box}
    html{-webkit-text-size-adjust:100%}
    body{margin:0;font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei","Source Han Sans SC",system-ui,sans-serif;
    color:var(--ink);background:var(--bg);font-size:15px;line-height:1.6}
    a{color:var(--blue);text-decoration:none}a:hover{text-decoration:underline}
    h1{font-size:1.5rem;margin:.2rem 0 .3rem}h2{font-size:1.15rem;margin:1.4rem 0 .6rem}h3{font-size:1rem;margin:1rem 0 .4rem}
    .site-header{background:var(--brand);color:#fff}
    .bar{display:flex;align-items:center;justify-content:space-between;gap:1rem;padding:.55rem 1.25rem;flex-wrap:wrap}
    .brand{display:flex;align-items:center;gap:.55rem;color:#fff;font-weight:700;font-size:1.1rem}
    .brand:hover{text-decoration:none}
    .brand-mark{display:inline-grid;place-items:center;width:1.9rem;height:1.9rem;border-radius:.45rem;background:#fff;color:var(--brand);font-size:1.05rem}
    .user{display:flex;align-items:center;gap:.8rem;font-size:.88rem;flex-wrap:wrap}
    .user a,.user .link{color:#fff;opacity:.92}
    .user-region{opacity:.8}
    .site-nav{background:var(--brand-dark)}
    .site-nav ul{list-style:none;margin:0;padding:0 1rem;display:flex;gap:.25rem;overflow-x:auto;white-space:nowrap}
    .site-nav a{display:block;color:#fff;opacity:.85;padding:.55rem .85rem;border-bottom:3px solid transparent}
    .site-nav a.current{opacity:1;border-bottom-color:#ffd36b;font-weight:600}
    .content{max-width:1320px;margin:0 auto;padding:1.2rem 1.25rem 2rem}
    .site-footer{color:var(--muted);font-size:.82rem;text-align:center;padding:1rem}
    .page-header{margin-bottom:1rem}.subtitle{color:var(--muted);margin:.1rem 0}
    .breadcrumb{font-size:.85rem;color:var(--muted)}.breadcrumb .sep{margin:0 .4rem}
    .notice{padding:.7rem 1rem;border-radius:.5rem;margin:0 0 1rem}
    .notice.ok{background:#e7f5ec;color:#135c32;border:1px solid #b9e2c7}
    .notice.error{background:#fdecea;color:#8c2616;border:1px solid #f3c2b9}
    .stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(120px,1fr));gap:.75rem;margin:1rem 0}
    .stat{background:var(--card);border:1px solid var(--line);border-radius:.6rem;padding:.7rem .9rem}
    .stat-value{font-size:1.6rem;font-weight:700;line-height:1.2}.stat-label{color:var(--muted);font-size:.85rem}
    .stat.completed .stat-value{color:var(--green)}.stat.on_schedule .stat-value{color:var(--blue)}.stat.lagging .stat-value{color:var(--red)}
    .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:1rem}
    .card{background:var(--card);border:1px solid var(--line);border-radius:.7rem;padding:1rem 1.1rem}
    .card-head{display:flex;gap:.6rem;align-items:flex-start}.card h3{margin:0;font-size:1.05rem}
    .counts{margin:.3rem 0 .6rem}.muted{color:var(--muted)}.small{font-size:.8rem}
    .meter{border-radius:5px;overflow:hidden;background:#eef0f4;height:10px;margin:.3rem 0}.meter svg{display:block}
    .legend{font-size:.82rem;color:var(--muted);margin:.4rem 0}
    .dot{display:inline-block;width:.65rem;height:.65rem;border-radius:50%;margin-right:.25rem;vertical-align:-.05rem}
    .dot.completed{background:var(--green)}.dot.on_schedule{background:var(--blue)}.dot.lagging{background:var(--red)}
    .more{font-size:.9rem}
    .level{display:inline-block;font-size:.75rem;padding:.05rem .45rem;border-radius:.3rem;white-space:nowrap;border:1px solid}
    .level-province{color:#8e1c20;border-color:#e9b8ba;background:#fdf1f1}.level-city{color:#1d4f9c;border-color:#b8cdee;background:#eef4fd}
    .level-county{color:#6b4a0f;border-color:#e8d3a8;background:#fbf5e8}
    .chips{display:flex;flex-wrap:wrap;gap:.4rem}.chip{background:#fff;border:1px solid var(--line);border-radius:1rem;padding:.1rem .7rem;font-size:.88rem}
    .table-wrap{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:.6rem;-webkit-overflow-scrolling:touch}
    table{border-collapse:collapse;width:100%}
    th,td{padding:.5rem .65rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
    th{background:#f7f8fb;font-weight:600;font-size:.88rem;white-space:nowrap}
    .num{text-align:right;font-variant-numeric:tabular-nums}
    table.plan{font-size:.85rem}
    table.plan th.region,table.plan td.cell{text-align:center;min-width:5.6rem}
    table.plan .aggregate{background:#fff8e6}
    table.plan th.name,table.plan td.name{min-width:15rem}
    table.plan .seq{width:2.5rem;min-width:2.5rem;max-width:2.5rem;text-align:center}
    .table-wrap.matrix{max-height:calc(100vh - 5rem);overflow:auto;overscroll-behavior:contain}
    table.plan thead th{position:sticky;top:0;z-index:2;background:#f7f8fb;box-shadow:0 1px 0 var(--line)}
    table.plan td.seq{position:sticky;left:0;z-index:1;background:#fff}
    table.plan td.name{position:sticky;left:2.5rem;z-index:1;background:#fff;box-shadow:1px 0 0 var(--line)}
    table.plan thead th.seq{left:0;z-index:3}table.plan thead th.name{left:2.5rem;z-index:3;box-shadow:1px 1px 0 var(--line)}
    table.plan .pin{position:sticky;left:2.9rem;display:inline-block;max-width:min(60rem,calc(100vw - 6rem))}
    table.plan .item-row .pin{left:.75rem}
    table.plan th.region a{color:inherit;text-decoration:none;border-bottom:1px dotted #9aa3af}table.plan th.region a:hover{color:var(--blue)}
    .unit-inline{display:none;color:var(--muted);font-size:.8rem}
    .item-row td{background:#f1f3f7;font-weight:700}
    .project-row td{background:#fbfbfd}.project-row .content{font-size:.8rem}
    td.cell .target{font-weight:600}td.cell .target.note{font-weight:400;font-size:.75rem;color:var(--muted);max-width:9rem;margin:0 auto}
    td.cell .figure{font-variant-numeric:tabular-nums;font-size:.8rem;display:flex;justify-content:center;gap:.35rem}
    td.cell .qty{color:var(--muted)}td.cell svg{display:block;margin-top:.15rem;border-radius:2px}
    .figure.completed .pct{color:var(--green)}.figure.on_schedule .pct{color:var(--blue)}.figure.lagging .pct{color:var(--red);font-weight:700}
    td.cell.none{color:#a0a7b4}
    .badge{display:inline-block;font-size:.75rem;padding:.05rem .5rem;border-radius:1rem;white-space:nowrap}
    .badge.completed{background:#e7f5ec;color:var(--green)}.badge.on_schedule{background:#eaf1fc;color:var(--blue)}
    .badge.lagging{background:#fdecea;color:var(--red)}.badge.none{background:#eef0f4;color:var(--muted)}
    .months{display:flex;flex-wrap:wrap;gap:.3rem;align-items:center;margin:0 0 .8rem;font-size:.88rem}
    .month{padding:.15rem .6rem;border-radius:1rem;border:1px solid var(--line);background:#fff}
    .month.current{background:var(--brand);border-color:var(--brand);color:#fff}
    .note{color:var(--muted);font-size:.82rem;margin-top:.8rem}
    .panel{background:var(--card);border:1px solid var(--line);border-radius:.7rem;padding:1rem 1.2rem;margin:1rem 0}
    .panel h2:first-child{margin-top:0}.narrow{max-width:34rem}
    .columns{display:grid;grid-template-columns:1fr 1fr;gap:1rem}.columns .panel{margin:0}
    label{display:block;font-weight:600;font-size:.9rem;margin:.8rem 0 .3rem}
    input[type=text],input[type=password],input[type=url],input[type=search],input[type=month],input[type=tel],input[type=date],select,textarea{width:100%;padding:.55rem .7rem;border:1px solid #c9ced6;border-radius:.45rem;font:inherit;background:#fff}
    input:focus,select:focus{outline:2px solid #9ec1f5;border-color:var(--blue)}
    fieldset{border:1px solid var(--line);border-radius:.5rem;margin:1rem 0;padding:.4rem .9rem .8rem}
    legend{font-weight:600;font-size:.9rem;padding:0 .3rem}
    label.check{display:inline-flex;align-items:center;gap:.3rem;font-weight:400;margin:.4rem 1rem 0 0}
    .hint{color:var(--muted);font-size:.8rem;margin:.25rem 0 0}
    button,.button{display:inline-block;font:inherit;padding:.5rem 1.1rem;border-radius:.45rem;border:1px solid #c9ced6;background:#fff;color:var(--ink);cursor:pointer;margin-top:1rem}
    button:hover,.button:hover{text-decoration:none;border-color:#9aa3af}
    .primary{background:var(--brand);border-color:var(--brand);color:#fff}.primary:hover{background:var(--brand-dark)}
    .danger{color:var(--red);border-color:#f0b4aa}
    .wide{width:100%}
    button.link{background:none;border:0;padding:0;margin:0;color:inherit;cursor:pointer;font-size:inherit}
    form.inline{display:inline}
    .grid-form{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:0 1rem;align-items:end}
    .grid-form .actions button{width:100%}
    .row-form{display:flex;gap:.5rem;align-items:center}.row-form input{flex:1}.row-form button{margin:0;white-space:nowrap}
    .plain{list-style:none;padding:0;margin:0}.plain li{padding:.3rem 0;border-bottom:1px dashed var(--line)}
    .facts{display:grid;grid-template-columns:6rem 1fr;gap:.4rem .8rem;margin:0}.facts dt{color:var(--muted)}.facts dd{margin:0}
    .indent-1{padding-left:1.8rem}.indent-2{padding-left:3.2rem}.indent-3{padding-left:4.6rem}.indent-4{padding-left:6rem}
    .empty{color:var(--muted);background:#fff;border:1px dashed var(--line);border-radius:.6rem;padding:1rem;text-align:center}
    .login{display:grid;place-items:center;min-height:60vh}
    .login-card{width:100%;max-width:24rem;background:#fff;border:1px solid var(--line);border-radius:.8rem;padding:1.6rem 1.6rem 1.8rem;box-shadow:0 6px 24px rgba(20,30,60,.06)}
    .error-page{text-align:center;padding:3rem 1rem}.error-code{font-size:3rem;font-weight:800;color:var(--brand);margin:0}
    .problems{text-align:left;max-width:46rem;margin:1rem auto;color:#8c2616}.notice .problems{margin:.4rem 0 0;padding-left:1.4rem;max-width:none}
    .cards.two{grid-template-columns:repeat(auto-fit,minmax(320px,1fr))}.cards.two .panel{margin:0}
    .actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}.actions .button,.actions button{margin-top:.5rem}
    .filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin:.5rem 0 1rem}.filters select{width:auto;max-width:16rem}.filters input[type=month]{width:auto}.filters button{margin:0}
    .filter{display:flex;flex-direction:column;gap:.15rem;font-size:.85rem;color:#5b6472;margin:0}.filter input[type=search]{width:12rem;max-width:100%}
    .rule-form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}.rule-form label{display:inline-flex;gap:.4rem;align-items:center;margin:0;font-weight:400}
    .rule-form select{width:auto}.rule-form .button{margin:0}.rule-note p{margin:.2rem 0 .6rem}
    .worklist h2{margin-top:0}.todos{list-style:none;padding:0;margin:0}.todo{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;padding:.55rem 0;border-bottom:1px solid #eef1f4}
    .todo.urgent{border-left:3px solid #d2452f;padding-left:.6rem}.todo .button{margin:0}form.inline{display:inline;margin:0}
    .todo-office{margin:.8rem 0}.todo-summary{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}.todo-office form.inline button,.todo-summary .button{margin:0}.decrease{margin-top:.3rem}.decrease input{width:100%}
    .pager{display:flex;flex-wrap:wrap;gap:.35rem;align-items:center;margin:.75rem 0}.pager .total{margin-right:.5rem;color:#5b6472}
    .pager .page{display:inline-block;min-width:2.2rem;padding:.3rem .55rem;border:1px solid #d5dae1;border-radius:6px;text-align:center;text-decoration:none}
    .pager .current{background:#1f4e96;color:#fff;border-color:#1f4e96}.pager .disabled{color:#aab1bb}.pager .gap{color:#8a93a0}
    input[type=number],input[type=date],input[type=file],input[type=url]{padding:.45rem .6rem;border:1px solid #c9ced6;border-radius:.45rem;font:inherit;background:#fff;max-width:100%}
    table.grid td.inputs{min-width:9rem}table.grid td.inputs input{margin:.15rem 0}table.grid textarea{min-width:10rem}
    table.grid input[readonly],table.grid textarea[readonly]{background:#f3f4f6;color:#6b7280}
    .evidence-layout{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.2fr);gap:1rem;align-items:start}.evidence-layout .panel{margin:0}
    .standard{white-space:pre-wrap;background:#fffbea;border-left:3px solid #e0b400;padding:.6rem .8rem;border-radius:.3rem}
    .files .file{margin:.6rem 0}.files img{display:block;max-width:100%;max-height:360px;border-radius:.4rem;border:1px solid var(--line);margin-bottom:.3rem}
    form.limit{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0}form.limit label{margin:0}form.limit input{width:7rem;margin:0}form.limit button{margin:0}
    table.acceptance td.name{min-width:11rem}table.acceptance td.cell{min-width:7.5rem}table.acceptance .pair{display:flex;justify-content:space-between;gap:.5rem;font-variant-numeric:tabular-nums}
    table.acceptance .pair .label{color:var(--muted);font-size:.8rem}table.acceptance .pair.gap{font-weight:600}
    table.acceptance td.over{background:#fdecea}table.acceptance td.over .pair.gap{color:#b42318}table.acceptance tr.over td.name{border-left:3px solid #d2452f}
    .flag{color:#a52a1c;font-size:.85rem}
    table.compliance th.tick,table.compliance td.tick{text-align:center;min-width:2.6rem;padding-left:.3rem;padding-right:.3rem}
    table.compliance td.tick{color:var(--green);font-weight:700}table.compliance td.tick.miss{background:#fdecea;color:#c9a19b;font-weight:400}
    form.limit select{width:auto;margin:0}table.compliance td.name{min-width:14rem}
    ol.history{padding-left:1.2rem;margin:0}ol.history li{margin:.25rem 0}
    .button.danger{color:#b42318;border-color:#f3b8b2}
    .bulletin-text{line-height:1.9;font-size:1.02rem}.list-section h2{margin-top:1.6rem}
    .inline-return{display:flex;gap:.4rem;align-items:center}.inline-return input{min-width:8rem}.inline-return button{margin:0;white-space:nowrap}
    .button.small,button.small{padding:.3rem .7rem;font-size:.9rem}
    .feedback .ops input{min-width:16rem}.feedback .feedback-text{font-size:1.02rem;white-space:pre-wrap;margin:.5rem 0}.feedback form.reply label{margin-top:.4rem}
    .feedback form.reply button{margin-top:.4rem}.feedback .ops{margin-top:.6rem}.feedback .ops select{width:auto;max-width:16rem}
    .ops{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}.ops .button{margin:0}
    .chart svg{display:block;max-width:760px}
    .muted.small,.small{font-size:.85rem}.nowrap{white-space:nowrap}
    .nav-count{display:inline-block;min-width:1.2rem;margin-left:.3rem;padding:0 .35rem;border-radius:.6rem;background:#fff;color:var(--brand-dark);
      font-size:.75rem;font-weight:700;line-height:1.2rem;text-align:center}.nav-count.urgent{background:#ffd36b;color:#7a2a00}
    .lagging-text{color:#b42318;font-weight:600}.panel.flagged{border-left:4px solid #d2452f}.short-units{margin:.3rem 0 0;padding-left:1.2rem}
    .short-units li{margin:.25rem 0}table.rates td.name{min-width:12rem}
    .home-notice{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;justify-content:space-between}
    .home-notice p{margin:0}.home-notice .button{margin:0}
    .badge.new{background:#fff4d6;color:#7a4b00;border:1px solid #f1d48a;margin-left:.3rem}
    .badge.urgency-blue{background:#dbeafe;color:#1d4ed8}.badge.urgency-yellow{background:#fef3c7;color:#92400e}.badge.urgency-red{background:#fee2e2;color:#b91c1c}
    .stat.blue .stat-value{color:#1d4ed8}
    .choices{border:0;padding:0;margin:.4rem 0 .6rem;display:flex;flex-wrap:wrap;gap:.4rem}.choices legend{font-weight:600;margin-bottom:.3rem;padding:0}
    .choice{display:inline-flex;align-items:center;gap:.35rem;padding:.55rem .8rem;border:1px solid #c9ced6;border-radius:.5rem;background:#fff;font-weight:400;margin:0;cursor:pointer}
    .choice:has(input:checked){border-color:#1d4ed8;background:#eff6ff}
    .pick-list{list-style:none;padding:0;margin:0}.pick-list li a{display:block;padding:.75rem .5rem;border-bottom:1px solid #eef0f3}
    .history{padding-left:1.2rem}.history li{margin-bottom:.8rem}.photos{display:flex;flex-wrap:wrap;gap:.4rem;margin:.3rem 0}.photos img{width:7.5rem;height:7.5rem;object-fit:cover;border-radius:.4rem;border:1px solid #e5e7eb}
    .site-row{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr);gap:.5rem;align-items:center;margin:.25rem 0}
    .findings{padding-left:1.1rem}
    form.inline{margin:0}form.inline .button{margin:0}
    .dashboard-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:1rem}.dashboard-level h2{margin-top:1.5rem}
    .chart-panel .chart svg{display:block;max-width:100%;height:auto}.chart-panel .chart svg.status-bar{height:18px}.chart-panel details{margin-top:.5rem}.chart-panel summary{cursor:pointer;color:#1d4ed8}
    .dot.none{background:#c9ced6}
    .chart-narrow{display:none}.print-only{display:none}
    .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
    .editor-head{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;justify-content:space-between}.editor-head h3{margin:.6rem 0 .3rem;font-size:1.02rem}
    .editor-head .grow{flex:1;min-width:14rem}.editor-head .seq{font-weight:700;white-space:nowrap}.item-name{font-weight:600}
    .ops{display:flex;flex-wrap:wrap;gap:.3rem;align-items:center}.ops .button,.ops button{margin:0}
    .editor-project{border-top:1px solid var(--line);margin-top:.8rem;padding-top:.4rem}.editor-project details>summary,.add-block>summary,details.paste>summary{cursor:pointer;color:var(--brand);margin:.4rem 0}
    .add-block{margin-top:.6rem}.missing{color:var(--red)}tr.stopped td{color:var(--muted)}.badge.stopped{background:#f1f2f4;color:#555;margin-left:.4rem}
    .sum-line{font-weight:600;margin:.6rem 0}table.decomposition input{width:100%;min-width:5rem}table.decomposition td.num input{text-align:right;max-width:9rem}
    table.decomposition th,table.decomposition td{vertical-align:middle}table.decomposition tbody th{background:transparent;font-weight:600;white-space:nowrap}
    table.decomposition tr.own th,table.decomposition tr.own td{background:#f4f7fb}.sub-link{font-weight:400;white-space:nowrap}
    .adjustment{border-top:1px solid var(--line);padding:.6rem 0}.adjustment h3{font-size:1rem;margin:.3rem 0;display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}
    .badge.adj-proposed{background:#fff4d6;color:#8a5a00}.badge.adj-approved{background:#e3f5e8;color:#17683a}.badge.adj-returned{background:#fde8e6;color:#b42318}
    .stopped-note{font-size:.8rem;color:var(--muted)}table.decomposition th label{margin:0}
    .grid-form>.wide{grid-column:1/-1}
    @media (max-width:560px){.editor-head .grow{min-width:100%}.editor-head .ops{margin-left:auto}}
    .badge.proposal-received{background:#fff4d6;color:#8a5a00}.badge.proposal-candidate{background:#e3f5e8;color:#17683a}
    .badge.proposal-merged{background:#e8eefb;color:#1d4ed8}.badge.proposal-not_adopted{background:#f1f2f4;color:#4b5563}.badge.proposal-referred{background:#eef6ff;color:#1e40af}
    input.short{width:5rem;flex:none}.merge-form{border-top:1px solid var(--line);margin-top:1rem;padding-top:.4rem}
    .fieldset{border:1px solid var(--line);border-radius:.5rem;padding:.4rem .8rem;margin:.6rem 0}.fieldset>p:first-child{margin:.2rem 0}
    select.month-select{width:auto;flex:none;min-width:5.5rem}
    .decompose-link{display:inline-block;font-size:.78rem;margin-left:.4rem}
    @media print{.hide-print{display:none}}
    @media (max-width:760px){.dashboard-grid{grid-template-columns:1fr}}
    @media (max-width:560px){.chart-wide{display:none}.chart-narrow{display:block}.dashboard-grid{gap:.75rem}}
    @media print{@page{size:A4;margin:12mm}.dashboard-grid{display:block}.chart-panel,.dashboard-grid>.panel{break-inside:avoid;margin-bottom:6mm}
      .chart-wide{display:block}.chart-narrow{display:none}.chart-panel details{display:none}.filters{display:none}.dashboard-level+.dashboard-level{break-before:page}
      .chart-panel .chart svg{max-width:170mm}.print-only{display:block}body,.content{background:#fff}.panel{box-shadow:none}}
    .pre{white-space:pre-wrap}
    .paper{background:#fff;border:1px solid var(--line);box-shadow:0 1px 4px rgba(0,0,0,.06);max-width:52rem;margin:1rem auto;padding:2.5rem 3rem;font-family:"FangSong","仿宋_GB2312","STFangsong","Noto Serif CJK SC",serif;font-size:1.05rem;line-height:1.9}
    .masthead{text-align:center;color:#d40000;border-bottom:2px solid #d40000;padding-bottom:.4rem;margin-bottom:1.5rem}
    .masthead p{margin:0}.masthead-office{font-size:1.5rem;font-weight:700;letter-spacing:.05em}.masthead-kind{font-size:2.6rem;font-weight:700;letter-spacing:.3em;line-height:1.3}
    .masthead-issue{color:#111;font-size:1rem}.masthead-line{display:flex;justify-content:space-between;color:#111;font-size:.95rem}
    .masthead.letter{border-bottom:4px double #d40000}
    .doc-title{text-align:center;font-size:1.45rem;font-weight:700;margin:1rem 0;line-height:1.5}.doc-number{text-align:right}
    .doc-body{text-indent:2em;margin:.2rem 0}.doc-lead{font-family:"KaiTi","楷体_GB2312","STKaiti",serif;font-weight:600}.doc-h1{font-family:"SimHei","黑体",sans-serif;font-size:1.05rem;text-indent:2em;margin:.8rem 0 .2rem}
    .doc-recipients{margin:.5rem 0}.doc-annex-list{margin-top:1.2rem;text-indent:2em}.doc-annex-list p{margin:0}
    .doc-signature{text-align:right;margin:2rem 2em 1rem 0}.doc-signature p{margin:0}
    .doc-annex{border-top:1px dashed var(--line);margin-top:2rem;padding-top:1rem}.doc-annex-label{font-family:"SimHei","黑体",sans-serif}.doc-annex-title{text-align:center}
    table.doc-table{font-family:system-ui,sans-serif;font-size:.78rem;line-height:1.35}table.doc-table th,table.doc-table td{border:1px solid #d5d9e0;padding:.25rem .35rem;vertical-align:middle}
    table.doc-table td.num{text-align:center}table.doc-table th{background:#f7f8fb}
    label.check{display:block;font-weight:400;margin:.2rem 0}label.inline-check{display:inline;font-weight:400;margin:0 .5rem 0 .8rem;font-size:.9rem}.pre{white-space:pre-wrap}
    .bulletin-form textarea{min-height:4.5rem}
    .bulletin-layout{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr);gap:1rem;align-items:start}.bulletin-layout .panel{margin:1rem 0}
    .bulletin-layout .paper{margin:1rem 0;padding:1.8rem 2rem;position:sticky;top:.5rem;max-height:calc(100vh - 1rem);overflow:auto}
    @media (max-width:1100px){.bulletin-layout{grid-template-columns:1fr}.bulletin-layout .paper{position:static;max-height:none}}
    @media print{.site-header,.site-nav,.site-footer,.actions,.bulletin-form,.page-header{display:none}.paper{border:0;box-shadow:none;padding:0;max-width:none}}
    @media (max-width:760px){
      .paper{padding:1rem .9rem;font-size:1rem}.masthead-kind{font-size:1.9rem}.masthead-office{font-size:1.1rem}.masthead-line{flex-direction:column;align-items:center}
      body{font-size:14px}.bar{padding:.5rem .8rem}.content{padding:.9rem .8rem 1.5rem}
      .user-region{display:none}.columns{grid-template-columns:1fr}.cards{grid-template-columns:1fr}
      .stats{grid-template-columns:repeat(3,1fr);gap:.5rem}.stat{padding:.5rem .6rem}.stat-value{font-size:1.25rem}
      h1{font-size:1.25rem}.site-nav ul{padding:0 .4rem}
      .hide-phone{display:none}table.list th.title,table.list td.title{min-width:10rem}
      table.plan .meta{display:none}.unit-inline{display:inline}
      table.plan th.seq,table.plan td.seq{display:none}
      table.plan th.name,table.plan td.name{min-width:8.5rem;max-width:8.5rem;position:sticky;left:0;background:#fff;z-index:1;
        box-shadow:1px 0 0 var(--line)}
      table.plan thead th.name{background:#f7f8fb;left:0;z-index:3}.table-wrap.matrix{max-height:calc(100vh - 3.5rem)}
      table.plan .pin{left:.6rem;max-width:calc(100vw - 3rem)}
      table.plan th.region,table.plan td.cell{min-width:5rem}
      .inline-return{flex-wrap:wrap}
      .evidence-layout{grid-template-columns:1fr}
      table.compliance td.name{min-width:9rem;position:sticky;left:0;background:#fff;z-index:1;box-shadow:1px 0 0 var(--line)}
      table.rates td.name{min-width:7.5rem;position:sticky;left:0;background:#fff;z-index:1;box-shadow:1px 0 0 var(--line)}
      table.rates th.name{position:sticky;left:0;z-index:1;background:#f7f8fb}
      table.compliance th.name{position:sticky;left:0;z-index:1;background:#f7f8fb}
      table.stacked thead{display:none}table.stacked,table.stacked tbody,table.stacked tr,table.stacked td{display:block;width:auto}
      table.stacked tr{padding:.6rem .2rem;border-bottom:1px solid var(--line)}table.stacked td{border:0;padding:.2rem .4rem}
      table.stacked td.num{text-align:left}table.stacked td[data-label]::before{content:attr(data-label) "：";color:#6b7280}
      table.grid thead{display:none}table.grid,table.grid tbody,table.grid tr,table.grid td{display:block;width:auto}
      table.grid tr{padding:.6rem .2rem;border-bottom:1px solid var(--line)}table.grid td{border:0;padding:.2rem .4rem}
      table.grid td.num{text-align:left}table.grid td[data-label]::before{content:attr(data-label) "：";color:#6b7280}
      table.grid td.inputs{display:flex;gap:.4rem;min-width:0}table.grid td.inputs input{flex:1}table.grid textarea{min-width:0}
    }
    """
}
