/** The report's only stylesheet: inline, no fonts or images from the network, readable at phone width. */
export const STYLE = `
:root{--fg:#1d2330;--mut:#5d6678;--bg:#f6f7f9;--card:#fff;--ok:#1a7f4b;--bad:#c2322c;--warn:#b86e00;--na:#7b8394;--ln:#e3e6eb}
*{box-sizing:border-box}body{margin:0;overflow-wrap:break-word;font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1180px;margin:0 auto;padding:16px}h1{font-size:22px;margin:4px 0}h2{font-size:17px;margin:28px 0 10px}h3{font-size:15px;margin:16px 0 6px}
.sub{color:var(--mut)}.grid{display:grid;gap:12px;grid-template-columns:repeat(auto-fit,minmax(min(230px,100%),1fr))}
.card{background:var(--card);border:1px solid var(--ln);border-radius:8px;padding:12px;min-width:0}
.badge{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.pass{background:var(--ok)}.fail{background:var(--bad)}.no-data{background:var(--na)}.critical{background:var(--bad)}.warning{background:var(--warn)}.info{background:var(--na)}
.good{background:var(--ok)}.needs-improvement{background:var(--warn)}.poor{background:var(--bad)}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;background:var(--card)}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--ln);vertical-align:top}
th{font-size:12px;color:var(--mut);font-weight:600}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-word}
div.finding{background:var(--card);border:1px solid var(--ln);border-radius:8px;padding:8px 12px;margin:8px 0}.finding .head{font-weight:600}.finding p{margin:4px 0}.finding summary{cursor:pointer;color:var(--mut);font-size:13px}
.fix-first ol.fix{padding-left:22px}.fix-first li{background:var(--card);border:1px solid var(--ln);border-left:4px solid var(--bad);border-radius:8px;padding:8px 12px;margin:8px 0}.fix-first li.sev-warning{border-left-color:var(--warn)}.fix-first li.sev-info{border-left-color:var(--na)}.fix-first li>div{margin:2px 0}.fix-first .head{font-weight:600}
.gain{color:var(--fg)}.rec b{color:var(--ok)}.why{background:#fdecea;border:1px solid #f3c1bd;border-radius:8px;padding:8px 12px;margin:10px 0}.why ul{margin:4px 0;padding-left:18px}
dl.fields{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0}dl.fields dt{color:var(--mut)}dl.fields dd{margin:0;overflow-wrap:anywhere}
.ev{margin:6px 0 0 0;padding-left:18px}.ev li{margin:2px 0}pre{white-space:pre-wrap;word-break:break-word;background:#f0f2f5;padding:6px;border-radius:4px;font-size:12px}
ul.check{list-style:none;padding:0}ul.check li{margin:4px 0}
svg.chart{width:100%;max-width:720px;height:auto;display:block}h1,summary,.sub,pre{overflow-wrap:anywhere}th{white-space:nowrap}svg .lbl{font-size:11px;fill:var(--fg)}svg .val{font-size:10px;fill:var(--mut)}
svg .p50{fill:#2f6fdb}svg .p95{fill:#8fb1ee}svg .p99{fill:#d5e2f8}svg .bar{fill:#5b8def}svg .series{fill:none;stroke:#2f6fdb;stroke-width:1.6}
svg .budget{stroke:var(--bad);stroke-dasharray:4 3}svg .phl{font-size:11px;fill:#fff}
.ph0{fill:#2f6fdb}.ph1{fill:#1a7f4b}.ph2{fill:#b86e00}.ph3{fill:#7d3fc2}.ph4{fill:#c2322c}.ph5{fill:#0f8b8d}
.legend{font-size:11px;color:var(--mut);margin:2px 0 0}.legend .k{display:inline-block;width:10px;height:10px;margin:0 3px 0 8px}.k.p50{background:#2f6fdb}.k.p95{background:#8fb1ee}.k.p99{background:#d5e2f8}
.big{font-size:24px;font-weight:600}
@media (max-width:560px){main{padding:8px}h1{font-size:19px}th,td{padding:5px}}
`;
