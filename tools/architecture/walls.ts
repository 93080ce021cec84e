import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { depConstraints } from './dependency-rules.js';

/** Which project tags a project of each `type:` tag may import: the lint rule's own constraints. */
export const ALLOWED_DEPENDENCIES: Record<string, string[]> = Object.fromEntries(
  depConstraints.map(({ sourceTag, onlyDependOnLibsWithTags }) => [sourceTag, onlyDependOnLibsWithTags]),
);

export interface Project {
  name: string;
  root: string;
  type: string;
}

export type Rule = 'cross-context' | 'forbidden-dependency' | 'deep-import' | 'testing-in-production' | 'layer' | 'cycle';

export interface Violation {
  file: string;
  specifier: string;
  rule: Rule;
  message: string;
}

/** The layers inside a context and what each may import of its own context (see docs/adr/0003). */
const LAYERS = ['domain', 'application', 'infrastructure', 'api'] as const;
type Layer = (typeof LAYERS)[number];
const LAYER_MAY_NOT_IMPORT: Record<Layer, Array<Layer | 'anything outside domain'>> = {
  domain: ['anything outside domain'],
  application: ['infrastructure', 'api'],
  infrastructure: [],
  api: [],
};

/** Specs, e2e suites and their support: not production code. Test it against a path relative to the workspace. */
export const TEST_FILE = /\.(spec|e2e-spec)\.ts$|\/test\//;

/** Reads every project.json below apps/ and libs/ of a workspace. */
export function readProjects(workspace: string): Project[] {
  return ['apps', 'libs']
    .flatMap((folder) => listDirectories(join(workspace, folder)))
    .filter((dir) => existsSync(join(dir, 'project.json')))
    .map((dir) => {
      const project = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8')) as { name: string; tags?: string[] };
      const type = project.tags?.find((tag) => tag.startsWith('type:'));
      if (!type) throw new Error(`${relative(workspace, dir)}/project.json has no type: tag`);
      return { name: project.name, root: dir, type };
    });
}

/** Scans every TypeScript import in the workspace's projects and reports each wall it breaks, and every import cycle. */
export function findViolations(workspace: string): Violation[] {
  const projects = readProjects(workspace);
  const aliases = readAliases(workspace);
  const graph = new Map<string, Array<{ specifier: string; target: string | undefined }>>();
  const violations = projects.flatMap((project) =>
    listTypeScriptFiles(project.root).flatMap((file) => {
      const imports = importsOf(file).map((specifier) => ({ specifier, target: resolveFile(aliases, file, specifier) }));
      graph.set(file, imports);
      return imports.flatMap(({ specifier, target }) => checkImport({ workspace, projects, aliases, project, file, specifier, target }));
    }),
  );
  return [...violations, ...findCycles(workspace, graph)];
}

interface ImportSite {
  workspace: string;
  projects: Project[];
  aliases: Map<string, string>;
  project: Project;
  file: string;
  specifier: string;
  /** The file the import resolves to, when it is one of the workspace's. */
  target: string | undefined;
}

function checkImport(site: ImportSite): Violation[] {
  const { workspace, project, file, specifier } = site;
  const at = relative(workspace, file);
  const violations: Violation[] = [];
  const violation = (rule: Rule, message: string) => violations.push({ file: at, specifier, rule, message });

  const layerBreach = checkLayers(site);
  if (layerBreach) violation('layer', layerBreach);

  const target = resolveTarget(site);
  if (!target || target.project === project) return violations;

  if (target.project.type === 'type:testing' && !TEST_FILE.test(at) && project.type !== 'type:testing') {
    violation('testing-in-production', `production code imports ${target.project.name}, which is for specs and tools only`);
  }
  if (target.deep)
    violation('deep-import', `imports past the public API of ${target.project.name}; import from its index.ts (the @shop alias) instead`);
  if (!ALLOWED_DEPENDENCIES[project.type]?.includes(target.project.type)) {
    const crossContext = project.type === 'type:context' && target.project.type === 'type:context';
    violation(
      crossContext ? 'cross-context' : 'forbidden-dependency',
      crossContext
        ? `context ${project.name} imports context ${target.project.name}; ` +
            'talk through @shop/contracts (an event, a command or a read model) instead'
        : `${project.type} ${project.name} may not depend on ${target.project.type} ${target.project.name}`,
    );
  }
  return violations;
}

/** Inside a context: domain imports nothing but domain; application never imports infrastructure or api. */
function checkLayers({ project, file, specifier, target }: ImportSite): string | undefined {
  if (project.type !== 'type:context' || TEST_FILE.test(file)) return undefined;
  const layer = layerOf(project, file);
  if (!layer) return undefined;
  const forbidden = LAYER_MAY_NOT_IMPORT[layer];
  if (forbidden.includes('anything outside domain')) {
    const inDomain = target !== undefined && layerOf(project, target) === 'domain';
    return inDomain
      ? undefined
      : `the domain layer imports "${specifier}"; it imports nothing but its own domain (no framework, no library, no other layer)`;
  }
  const targetLayer = target && layerOf(project, target);
  if (targetLayer && (forbidden as string[]).includes(targetLayer)) {
    return `the ${layer} layer imports the ${targetLayer} layer; reach it through a port (application/ports) instead`;
  }
  return undefined;
}

function layerOf(project: Project, file: string): Layer | undefined {
  const [first] = relative(join(project.root, 'src'), file).split(sep);
  return LAYERS.find((layer) => layer === first);
}

/** Every circle of imports among the workspace's files (type-only imports too: they are a design circle). */
function findCycles(workspace: string, graph: Map<string, Array<{ specifier: string; target: string | undefined }>>): Violation[] {
  const edges = new Map([...graph].map(([file, imports]) => [file, imports.filter((i) => i.target && graph.has(i.target))]));
  return stronglyConnected([...edges.keys()], (file) => edges.get(file)!.map((i) => i.target!))
    .filter((component) => component.length > 1)
    .map((component) => {
      const members = new Set(component);
      const first = [...component].sort()[0]!;
      const path = cyclePath(first, members, (file) => edges.get(file)!.map((i) => i.target!));
      const next = path[1] ?? first;
      const specifier = edges.get(first)!.find((i) => i.target === next)!.specifier;
      return {
        file: relative(workspace, first),
        specifier,
        rule: 'cycle' as const,
        message: `import cycle: ${[...path, first].map((file) => relative(workspace, file)).join(' -> ')}`,
      };
    });
}

/** Tarjan's algorithm, iteratively (a workspace's import chains can be deep). */
function stronglyConnected(nodes: string[], next: (node: string) => string[]): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowlinks = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  for (const root of nodes) {
    if (indices.has(root)) continue;
    const work: Array<{ node: string; children: string[]; at: number }> = [];
    const open = (node: string) => {
      indices.set(node, index);
      lowlinks.set(node, index);
      index += 1;
      stack.push(node);
      onStack.add(node);
      work.push({ node, children: next(node), at: 0 });
    };
    open(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame.at < frame.children.length) {
        const child = frame.children[frame.at++]!;
        if (!indices.has(child)) open(child);
        else if (onStack.has(child)) lowlinks.set(frame.node, Math.min(lowlinks.get(frame.node)!, indices.get(child)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) lowlinks.set(parent.node, Math.min(lowlinks.get(parent.node)!, lowlinks.get(frame.node)!));
      if (lowlinks.get(frame.node) === indices.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }
  return components;
}

/** One shortest way round a cycle from `start`, inside its component. */
function cyclePath(start: string, members: Set<string>, next: (node: string) => string[]): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const child of next(node)) {
      if (!members.has(child)) continue;
      if (child === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return path;
      }
      if (!previous.has(child)) {
        previous.set(child, node);
        queue.push(child);
      }
    }
  }
  return [start];
}

/** The workspace project an import of `file` reaches, and whether it goes past that project's public API. */
export function resolveTarget({
  projects,
  aliases,
  file,
  specifier,
}: Pick<ImportSite, 'projects' | 'aliases' | 'file' | 'specifier'>): { project: Project; deep: boolean } | undefined {
  const aliased = aliases.get(specifier);
  if (aliased) return { project: owner(projects, aliased)!, deep: false };
  const aliasPrefix = [...aliases.keys()].find((alias) => specifier.startsWith(`${alias}/`));
  if (aliasPrefix) {
    const project = owner(projects, aliases.get(aliasPrefix)!);
    return project ? { project, deep: true } : undefined;
  }
  if (specifier.startsWith('.')) {
    const project = owner(projects, resolve(dirname(file), specifier));
    return project ? { project, deep: true } : undefined;
  }
  return undefined;
}

/** The workspace file an import names (`./x.js` is `./x.ts`; an alias is its index.ts), if any. */
function resolveFile(aliases: Map<string, string>, file: string, specifier: string): string | undefined {
  const aliased = aliases.get(specifier);
  if (aliased) return aliased;
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(file), specifier).replace(/\.js$/, '');
  return [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
}

function owner(projects: Project[], path: string): Project | undefined {
  return projects.find((project) => path === project.root || path.startsWith(project.root + sep));
}

/** `@shop/<lib>` -> the absolute path of its index.ts, from tsconfig.base.json. */
export function readAliases(workspace: string): Map<string, string> {
  const config = ts.readConfigFile(join(workspace, 'tsconfig.base.json'), ts.sys.readFile).config as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return new Map(Object.entries(config.compilerOptions.paths).map(([alias, [target]]) => [alias, resolve(workspace, target!)]));
}

export function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((imported) => imported.fileName);
}

/** Every .ts file below `dir`, fixtures and node_modules left out. */
export function listTypeScriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' || entry === '__fixtures__' ? [] : listTypeScriptFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function listDirectories(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isDirectory());
}
