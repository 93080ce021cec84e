// A generated section of a document, between two markers: rewritten in place, appended the first time.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export function writeMarkedSection(path: string, markers: { begin: string; end: string }, generated: string): void {
  const section = `${markers.begin}\n${generated}\n${markers.end}`;
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const begin = existing.indexOf(markers.begin);
  const end = existing.indexOf(markers.end);
  const document =
    begin >= 0 && end > begin
      ? `${existing.slice(0, begin)}${section}${existing.slice(end + markers.end.length)}`
      : `${existing.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, document);
}
