/**
 * A JSON value as indented lines, each marked when it lies at or under one of the differing paths
 * a shadow sample names (`$.status`, `$.items[0].total`, `$.items[*].updatedAt`).
 */
export interface JsonLine {
  depth: number;
  text: string;
  differs: boolean;
}

/** `$.items[*].updatedAt` -> a pattern matching `$.items[3].updatedAt` and anything under it. */
function pathPattern(path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\[\\\*\\\]/g, '\\[\\d+\\]');
  return new RegExp(`^${escaped}(?:[.[].*)?$`);
}

/** A field's path as the shadow writes it: `.name`, or `['odd name']`. */
const keyPath = (parent: string, key: string): string => (/^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}['${key}']`);

export function jsonLines(value: unknown, differingPaths: readonly string[]): JsonLine[] {
  const patterns = differingPaths.map(pathPattern);
  const differs = (path: string) => patterns.some((pattern) => pattern.test(path));
  const lines: JsonLine[] = [];
  const walk = (node: unknown, path: string, depth: number, prefix: string, suffix: string): void => {
    const marked = differs(path);
    if (Array.isArray(node) && node.length > 0) {
      lines.push({ depth, text: `${prefix}[`, differs: marked });
      node.forEach((item, index) => walk(item, `${path}[${index}]`, depth + 1, '', index < node.length - 1 ? ',' : ''));
      lines.push({ depth, text: `]${suffix}`, differs: marked });
    } else if (node !== null && typeof node === 'object' && Object.keys(node).length > 0) {
      const entries = Object.entries(node);
      lines.push({ depth, text: `${prefix}{`, differs: marked });
      entries.forEach(([key, item], index) =>
        walk(item, keyPath(path, key), depth + 1, `${JSON.stringify(key)}: `, index < entries.length - 1 ? ',' : ''),
      );
      lines.push({ depth, text: `}${suffix}`, differs: marked });
    } else {
      lines.push({ depth, text: `${prefix}${node === undefined ? 'undefined' : JSON.stringify(node)}${suffix}`, differs: marked });
    }
  };
  walk(value, '$', 0, '', '');
  return lines;
}
