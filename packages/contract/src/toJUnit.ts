import { printable } from '@iot-task/client/terminal-text';
import type { ContractReport } from './runContract.ts';

/** Text as an XML attribute or text: markup escaped, and controls (which XML 1.0 cannot hold) shown as escapes. */
function escapeXml(text: string): string {
  return printable(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A contract report as JUnit XML, which CI systems show as test results. */
export function toJUnit(report: ContractReport): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const cases = report.results.map((r) => {
    const open = `    <testcase classname="iot-task.contract.${escapeXml(r.action)}" name="${escapeXml(`${r.id}: ${r.title}`)}" time="${seconds(r.durationMs)}"`;
    if (r.outcome === 'passed') return `${open}/>`;
    if (r.outcome === 'skipped' || r.outcome === 'inconclusive') {
      const why = r.outcome === 'inconclusive' ? `inconclusive: ${r.skipReason ?? ''}` : (r.skipReason ?? '');
      return `${open}>\n      <skipped message="${escapeXml(why)}"/>\n    </testcase>`;
    }
    return `${open}>\n      <failure message="${escapeXml(r.problems[0] ?? 'failed')}">${escapeXml(r.problems.join('\n'))}</failure>\n    </testcase>`;
  });
  const counts = `tests="${report.results.length}" failures="${report.failed}" skipped="${report.skipped + report.inconclusive}" time="${seconds(report.durationMs)}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="iot-task contract" ${counts}>
  <testsuite name="${escapeXml(report.target)}" ${counts}>
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}
