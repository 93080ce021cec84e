// Reads the bounded contexts of a workspace from its code, statically: the TypeScript compiler API
// parses each file on its own (no type checker, no app boot, no database), so the map costs well under
// a second and cannot drift from what the code says. The walls (tools/architecture/walls.ts) already
// know the projects and their imports; this adds what travels between the contexts.
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import ts from 'typescript';
import {
  importsOf,
  listTypeScriptFiles,
  readAliases,
  readProjects,
  resolveTarget,
  TEST_FILE,
  type Project,
} from '../architecture/walls.js';

/** A message type of the contracts: `ordering.OrderPlaced` version 1. */
export interface MessageRef {
  type: string;
  version: number;
}

export interface ContractMessage extends MessageRef {
  /** The exported constant, e.g. `OrderPlacedV1`. */
  name: string;
}

export interface Publication {
  message: MessageRef;
  /** The files that publish it, relative to the workspace. */
  files: string[];
}

export interface Subscription {
  message: MessageRef;
  /** The explicit handler name, the decorator's second argument, when it has one. */
  handler: string | undefined;
  /** `Class.method` of the decorated method. */
  method: string;
  file: string;
}

export interface ContextEntry {
  name: string;
  /** The workspace projects its production code imports. */
  dependencies: string[];
  publishes: Publication[];
  consumes: Subscription[];
}

export interface StrangleableEntry {
  context: string;
  service: string;
  /** Wire names, e.g. `ordering.PlaceOrder.v1`. */
  commands: string[];
  queries: string[];
  file: string;
}

export interface HostedModule {
  /** The project the module comes from (the app itself for a module of its own). */
  project: string;
  /** The entry of the app's `@Module({ imports })` as written, e.g. `StranglerModule.forFacade()`. */
  module: string;
  /** The condition under which the app leaves it out, as written, e.g. `retired.has('ordering')`. */
  unless?: string;
}

export interface AppEntry {
  name: string;
  modules: HostedModule[];
}

export interface ContextMap {
  contexts: ContextEntry[];
  messages: ContractMessage[];
  strangleable: StrangleableEntry[];
  apps: AppEntry[];
}

/** Code-point order, the same on every machine (localeCompare is not). */
export const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
export const messageKey = (message: MessageRef) => `${message.type}.v${message.version}`;

export function readContextMap(workspace: string): ContextMap {
  const projects = readProjects(workspace);
  const aliases = readAliases(workspace);
  const ofType = (type: string) => projects.filter((project) => project.type === type).sort((a, b) => byText(a.name, b.name));
  // Production code only: a spec that publishes to exercise a handler is not part of the map.
  const sourcesOf = (project: Project) =>
    listTypeScriptFiles(project.root)
      .filter((file) => !TEST_FILE.test(relative(workspace, file)))
      .sort(byText);
  const at = (file: string) => relative(workspace, file).split(sep).join('/');
  /** Which workspace project each name imported by a file comes from, under its local name. */
  const importedNames = (file: string, source: ts.SourceFile) => {
    const names = new Map<string, { project: Project; name: string }>();
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
      const target = resolveTarget({ projects, aliases, file, specifier: statement.moduleSpecifier.text });
      const bindings = statement.importClause?.namedBindings;
      if (!target || !bindings || !ts.isNamedImports(bindings)) continue;
      for (const element of bindings.elements) {
        names.set(element.name.text, { project: target.project, name: (element.propertyName ?? element.name).text });
      }
    }
    return names;
  };

  const messages = ofType('type:contracts').flatMap((project) => sourcesOf(project).flatMap((file) => readMessageTypes(parse(file))));
  const messageNamed = new Map(messages.map((message) => [message.name, message]));

  const contexts = ofType('type:context').map((project): ContextEntry => {
    const published = new Map<string, { message: MessageRef; files: Set<string> }>();
    const consumes: Subscription[] = [];
    for (const file of sourcesOf(project)) {
      const source = parse(file);
      const imported = importedNames(file, source);
      // An identifier is a message type when the file imports it from the contracts (under any local name).
      const messageOf = (node: ts.Expression): ContractMessage | undefined => {
        const origin = ts.isIdentifier(node) ? imported.get(node.text) : undefined;
        return origin?.project.type === 'type:contracts' ? messageNamed.get(origin.name) : undefined;
      };
      visit(source, (node) => {
        if (ts.isDecorator(node)) {
          const subscription = readSubscription(node, messageOf, at(file));
          if (subscription) consumes.push(subscription);
        } else if (ts.isCallExpression(node)) {
          const message = readPublication(node, messageOf);
          if (!message) return;
          const entry = published.get(messageKey(message)) ?? {
            message: { type: message.type, version: message.version },
            files: new Set<string>(),
          };
          entry.files.add(at(file));
          published.set(messageKey(message), entry);
        }
      });
    }
    const dependencies = new Set(
      sourcesOf(project).flatMap((file) =>
        importsOf(file).flatMap((specifier) => resolveTarget({ projects, aliases, file, specifier })?.project.name ?? []),
      ),
    );
    dependencies.delete(project.name);
    return {
      name: project.name,
      dependencies: [...dependencies].sort(byText),
      publishes: [...published.values()]
        .map(({ message, files }) => ({ message, files: [...files].sort(byText) }))
        .sort((a, b) => byText(messageKey(a.message), messageKey(b.message))),
      consumes: consumes.sort((a, b) => byText(messageKey(a.message), messageKey(b.message)) || byText(a.method, b.method)),
    };
  });

  const strangleable = ofType('type:context')
    .flatMap((project) => sourcesOf(project).flatMap((file) => readStrangleable(parse(file), at(file))))
    .sort((a, b) => byText(a.context, b.context));

  const apps = ofType('type:app').map((app): AppEntry => {
    const modules = sourcesOf(app).flatMap((file) => {
      const source = parse(file);
      const imported = importedNames(file, source);
      return appModuleImports(source).map(({ entry, unless }) => ({
        project: imported.get(rootIdentifier(entry))?.project.name ?? app.name,
        module: entry.getText(source).replace(/\s+/g, ' '),
        ...(unless ? { unless } : {}),
      }));
    });
    return { name: app.name, modules };
  });

  return { contexts, messages: messages.sort((a, b) => byText(messageKey(a), messageKey(b))), strangleable, apps };
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2023, true);
}

function visit(node: ts.Node, callback: (node: ts.Node) => void): void {
  callback(node);
  ts.forEachChild(node, (child) => visit(child, callback));
}

/** Where code is read, it fails loudly on a shape it does not understand rather than leaving it off the map. */
function unreadable(node: ts.Node, what: string): Error {
  const source = node.getSourceFile();
  const { line } = source.getLineAndCharacterOfPosition(node.getStart());
  return new Error(`${source.fileName}:${line + 1}: ${what}`);
}

/** `export const OrderPlacedV1 = messageType<OrderPlacedV1>('ordering.OrderPlaced', 1);` */
function readMessageTypes(source: ts.SourceFile): ContractMessage[] {
  const found: ContractMessage[] = [];
  visit(source, (node) => {
    if (!ts.isVariableDeclaration(node) || !ts.isIdentifier(node.name) || !node.initializer) return;
    const call = node.initializer;
    if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.expression.text !== 'messageType') return;
    const [type, version] = call.arguments;
    if (!type || !ts.isStringLiteral(type) || !version || !ts.isNumericLiteral(version)) {
      throw unreadable(call, 'messageType(...) takes a string literal and a number literal here, so the context map can read it');
    }
    found.push({ name: node.name.text, type: type.text, version: Number(version.text) });
  });
  return found;
}

/** `@OnIntegrationEvent(OrderPlacedV1)` or `@OnIntegrationEvent(OrderPlacedV1, 'catalog.reserve-stock')` on a method. */
function readSubscription(
  decorator: ts.Decorator,
  messageOf: (node: ts.Expression) => ContractMessage | undefined,
  file: string,
): Subscription | undefined {
  const call = decorator.expression;
  if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.expression.text !== 'OnIntegrationEvent') return undefined;
  const [type, name] = call.arguments;
  const message = type && messageOf(type);
  if (!message) throw unreadable(call, '@OnIntegrationEvent names a message type it imports from the contracts');
  if (name !== undefined && !ts.isStringLiteralLike(name)) {
    throw unreadable(name, "@OnIntegrationEvent's handler name is a string literal, so the context map can read it");
  }
  const method = decorator.parent;
  const owner = method.parent;
  const className = ts.isClassLike(owner) && owner.name ? owner.name.text : '(anonymous)';
  const methodName = ts.isMethodDeclaration(method) ? method.name.getText() : '(not a method)';
  return {
    message: { type: message.type, version: message.version },
    handler: name && ts.isStringLiteralLike(name) ? name.text : undefined,
    method: `${className}.${methodName}`,
    file,
  };
}

/** `<anything>.publish(SomeEventV1, ...)`: other publish calls (a broker channel's) take no message type and are skipped. */
function readPublication(
  call: ts.CallExpression,
  messageOf: (node: ts.Expression) => ContractMessage | undefined,
): ContractMessage | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'publish') return undefined;
  const [first] = call.arguments;
  return first ? messageOf(first) : undefined;
}

/** `const x: StrangleableContext = { context, service, commands: { 'ordering.PlaceOrder.v1': ... }, queries: {...} }` (or `satisfies`). */
function readStrangleable(source: ts.SourceFile, file: string): StrangleableEntry[] {
  const found: StrangleableEntry[] = [];
  const isStrangleable = (type: ts.TypeNode | undefined) =>
    !!type && ts.isTypeReferenceNode(type) && type.typeName.getText() === 'StrangleableContext';
  visit(source, (node) => {
    if (!ts.isVariableDeclaration(node) || !node.initializer) return;
    let value: ts.Expression = node.initializer;
    if (ts.isSatisfiesExpression(value) && isStrangleable(value.type)) value = value.expression;
    else if (!isStrangleable(node.type)) return;
    if (!ts.isObjectLiteralExpression(value)) {
      throw unreadable(node, 'a StrangleableContext is an object literal here, so the context map can read it');
    }
    const property = (name: string) => {
      const assignment = value.properties.find(
        (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyName(p.name) === name,
      );
      if (!assignment) throw unreadable(value, `the StrangleableContext has no ${name}`);
      return assignment.initializer;
    };
    const text = (name: string) => {
      const initializer = property(name);
      if (!ts.isStringLiteralLike(initializer)) throw unreadable(initializer, `the StrangleableContext's ${name} is a string literal here`);
      return initializer.text;
    };
    const wireNames = (name: string) => {
      const initializer = property(name);
      if (!ts.isObjectLiteralExpression(initializer)) {
        throw unreadable(initializer, `the StrangleableContext's ${name} is an object literal here`);
      }
      return initializer.properties
        .map((p) => {
          const wireName = p.name && propertyName(p.name);
          if (wireName === undefined) throw unreadable(p, `the StrangleableContext's ${name} are written out here, one wire name per key`);
          return wireName;
        })
        .sort(byText);
    };
    found.push({
      context: text('context'),
      service: text('service'),
      commands: wireNames('commands'),
      queries: wireNames('queries'),
      file,
    });
  });
  return found;
}

function propertyName(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name) ? name.text : undefined;
}

/**
 * The entries of `imports: [...]` in every `@Module({...})` class decorator of a file and in every
 * dynamic module it builds (`{ module: X, imports: [...] }`), with the condition of a module imported
 * only sometimes (`...(condition ? [] : [X])`).
 */
export function appModuleImports(source: ts.SourceFile): Array<{ entry: ts.Expression; unless?: string }> {
  const found: Array<{ entry: ts.Expression; unless?: string }> = [];
  const importsOf = (metadata: ts.ObjectLiteralExpression) => {
    const imports = metadata.properties.find(
      (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && propertyName(p.name) === 'imports',
    );
    if (!imports || !ts.isArrayLiteralExpression(imports.initializer)) return;
    for (const element of imports.initializer.elements) {
      if (!ts.isSpreadElement(element)) {
        found.push({ entry: element });
        continue;
      }
      let spread: ts.Expression = element.expression;
      while (ts.isParenthesizedExpression(spread)) spread = spread.expression;
      const optional =
        ts.isConditionalExpression(spread) &&
        ts.isArrayLiteralExpression(spread.whenTrue) &&
        spread.whenTrue.elements.length === 0 &&
        ts.isArrayLiteralExpression(spread.whenFalse)
          ? spread
          : undefined;
      if (!optional) throw unreadable(element, 'a spread in imports is read only as ...(condition ? [] : [Module, …])');
      const unless = optional.condition.getText(source).replace(/\s+/g, ' ');
      for (const entry of (optional.whenFalse as ts.ArrayLiteralExpression).elements) found.push({ entry, unless });
    }
  };
  visit(source, (node) => {
    if (ts.isDecorator(node) && ts.isCallExpression(node.expression) && node.expression.expression.getText() === 'Module') {
      const [metadata] = node.expression.arguments;
      if (metadata && ts.isObjectLiteralExpression(metadata)) importsOf(metadata);
    } else if (
      ts.isObjectLiteralExpression(node) &&
      node.properties.some((p) => ts.isPropertyAssignment(p) && propertyName(p.name) === 'module')
    ) {
      importsOf(node);
    }
  });
  return found;
}

/** `StranglerModule.forService(x)` -> `StranglerModule`; `CatalogModule` -> itself. */
function rootIdentifier(node: ts.Expression): string {
  if (ts.isCallExpression(node)) return rootIdentifier(node.expression);
  if (ts.isPropertyAccessExpression(node)) return rootIdentifier(node.expression);
  return node.getText();
}
