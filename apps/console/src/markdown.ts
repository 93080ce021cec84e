/**
 * Just enough Markdown for the generated context map (docs/contexts.md): headings, paragraphs,
 * lists, tables and fenced code. The result is data, rendered as elements (never as HTML).
 */
export type Inline = { code: string } | { text: string };

export type Block =
  | { kind: 'heading'; level: number; text: Inline[] }
  | { kind: 'paragraph'; text: Inline[] }
  | { kind: 'list'; items: Inline[][] }
  | { kind: 'table'; head: Inline[][]; rows: Inline[][][] }
  | { kind: 'code'; language: string; text: string };

/** `code` spans apart; links keep their text only (their targets are files of the repository). */
export function inline(source: string): Inline[] {
  return source
    .split(/(`[^`]*`)/)
    .filter((part) => part !== '')
    .map((part) =>
      part.startsWith('`') && part.endsWith('`') && part.length > 1
        ? { code: part.slice(1, -1) }
        : { text: part.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\*\*([^*]+)\*\*/g, '$1') },
    );
}

const cells = (row: string): Inline[][] =>
  row
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => inline(cell.trim()));

export function parseMarkdown(source: string): Block[] {
  const lines = source.split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = /^```(\w*)/.exec(line);
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (fence) {
      const body: string[] = [];
      for (i += 1; i < lines.length && !lines[i]!.startsWith('```'); i += 1) body.push(lines[i]!);
      blocks.push({ kind: 'code', language: fence[1] ?? '', text: body.join('\n') });
      i += 1;
    } else if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]!.length, text: inline(heading[2]!) });
      i += 1;
    } else if (line.startsWith('|')) {
      const rows: string[] = [];
      for (; i < lines.length && lines[i]!.startsWith('|'); i += 1) rows.push(lines[i]!);
      const [head = '', , ...body] = rows;
      blocks.push({ kind: 'table', head: cells(head), rows: body.map(cells) });
    } else if (/^[-*]\s/.test(line)) {
      const items: Inline[][] = [];
      for (; i < lines.length && /^[-*]\s/.test(lines[i]!); i += 1) items.push(inline(lines[i]!.replace(/^[-*]\s+/, '')));
      blocks.push({ kind: 'list', items });
    } else if (line.trim() === '') {
      i += 1;
    } else {
      const text: string[] = [];
      for (; i < lines.length && lines[i]!.trim() !== '' && !/^(#|\||```|[-*]\s)/.test(lines[i]!); i += 1) text.push(lines[i]!);
      blocks.push({ kind: 'paragraph', text: inline(text.join(' ')) });
    }
  }
  return blocks;
}
