/** Inline stylesheet: a Grafana-like dark theme, system fonts only (nothing fetched). */
export const CSS = `
:root{--bg:#111217;--panel:#181b1f;--border:#2a2d33;--text:#d8d9e2;--muted:#8e909b;--blue:#5794f2;--green:#73bf69;--orange:#ff9830;--red:#f2495c;--purple:#b877d9}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1260px;margin:0 auto;padding:24px 20px 40px}
header.top{display:flex;justify-content:space-between;align-items:flex-end;gap:16px;margin-bottom:18px;border-bottom:1px solid var(--border);padding-bottom:14px}
h1{font-size:22px;font-weight:500;margin:0 0 2px}
h2{font-size:16px;font-weight:500;margin:0}
.sub{color:var(--muted);margin:0}
.meta{color:var(--muted);font-size:12px;text-align:right;white-space:nowrap}
.brand{color:var(--orange);font-weight:600;letter-spacing:.04em}
section.panel{background:var(--panel);border:1px solid var(--border);border-radius:4px;padding:14px 16px 10px;margin-bottom:16px}
.phead{display:flex;flex-wrap:wrap;align-items:baseline;gap:8px 12px;margin-bottom:6px}
.chip{display:inline-block;font-size:12px;color:var(--muted);background:#22252b;border:1px solid var(--border);border-radius:3px;padding:1px 7px}
.chip b{color:var(--text);font-weight:500}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:4px 0 8px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:6px 10px;border-bottom:1px solid var(--border);text-align:right;white-space:nowrap}
th{color:var(--muted);font-weight:500;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
th:first-child,td:first-child,td.l,th.l{text-align:left}
td:first-child{white-space:normal;word-break:break-all}
tr.total td{border-bottom:none;font-weight:600}
a{color:var(--blue);text-decoration:none}a:hover{text-decoration:underline}
.ok{color:var(--green)}.bad{color:var(--red)}.warnc{color:var(--orange)}.dim{color:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;color:var(--muted);margin:2px 0 4px}
.legend span{display:inline-flex;align-items:center;gap:6px}
.sw{display:inline-block;width:18px;height:10px;border-radius:2px}
.sw.line{height:2px}.sw.dash{height:0;border-top:2px dashed #c7c9d3;width:18px}
.sw.dot{width:8px;height:8px;border-radius:50%}
svg.chart{display:block;width:100%;height:auto;margin-top:2px}
svg text{font-family:inherit}
.plotbg{fill:#15171b}.frame{fill:none;stroke:var(--border)}
.grid{stroke:#ffffff;stroke-opacity:.07;stroke-width:1}.grid.minor{stroke-opacity:.03}
.tl{fill:var(--muted);font-size:11px;text-anchor:middle}
.vl{fill:var(--muted);font-size:11px;text-anchor:end}
.wknd{fill:#ffffff;fill-opacity:.025}
.train{fill:#000000;fill-opacity:.28}.trainEdge{stroke:var(--muted);stroke-dasharray:2 3;stroke-opacity:.6}
.trainLbl{fill:var(--muted);font-size:11px;text-anchor:end}
.band{fill:var(--blue);fill-opacity:.17;stroke:none}
.exp{fill:none;stroke:#c7c9d3;stroke-opacity:.75;stroke-width:1.2;stroke-dasharray:5 4}
.val{fill:none;stroke:var(--green);stroke-width:1.25;stroke-linejoin:round}
.dw{fill:var(--orange)}.dc{fill:var(--red)}
.al.warn{fill:var(--orange);fill-opacity:.14}.al.crit{fill:var(--red);fill-opacity:.16}
.inc .incBar{fill-opacity:.95}.inc .incEdge{stroke-dasharray:3 3;stroke-opacity:.55}
.inc .incLbl{font-size:11px}
.inc.page .incBar{fill:var(--purple)}.inc.page .incEdge{stroke:var(--purple)}.inc.page .incLbl{fill:#d6b3ea}
.inc.quiet .incBar{fill:#8e909b}.inc.quiet .incEdge{stroke:#8e909b}.inc.quiet .incLbl{fill:#b5b7c0}
.zoneW{fill:var(--orange);fill-opacity:.05}.zoneC{fill:var(--red);fill-opacity:.06}
.scoreArea{fill:var(--blue);fill-opacity:.22}.scoreLine{fill:none;stroke:var(--blue);stroke-width:1.1}
.thW{stroke:var(--orange);stroke-dasharray:6 4;stroke-width:1.1}.thC{stroke:var(--red);stroke-dasharray:6 4;stroke-width:1.1}
.clipLbl{fill:var(--muted);font-size:10px}
.vl.w{fill:var(--orange)}.vl.c{fill:var(--red)}
.scoreTitle{font-size:12px;color:var(--muted);margin:8px 0 0}
details{margin:6px 0 2px;font-size:13px}summary{cursor:pointer;color:var(--muted)}
details table{margin-top:6px}
.closeups>summary{margin-top:4px}
.closeup{margin-top:10px;border-top:1px solid var(--border);padding-top:8px}
.cuTitle{font-size:12px;color:var(--muted)}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:24px}
@media print{body{background:#fff}}
`;
