// npm run docs:contexts: writes docs/contexts.md, the context map read from the code. Run from the
// workspace root (npm does): it runs compiled, from dist/, so its own location is not the workspace.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readContextMap } from './context-map.js';
import { renderContextMap } from './render-context-map.js';

const workspace = process.cwd();
if (!existsSync(join(workspace, 'nx.json'))) throw new Error(`${workspace} is not the workspace root; run npm run docs:contexts`);
const target = join(workspace, 'docs', 'contexts.md');
writeFileSync(target, renderContextMap(readContextMap(workspace)));
console.log(`wrote ${target}`);
