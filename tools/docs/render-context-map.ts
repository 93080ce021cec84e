// Turns the context map into docs/contexts.md. Pure and deterministic: the model is sorted and nothing
// here reads the clock or the disk, so a run on unchanged code writes the same bytes (the spec relies on it).
import { byText, messageKey, type ContextMap, type MessageRef } from './context-map.js';

const code = (text: string) => `\`${text}\``;
const list = (items: string[]) => (items.length > 0 ? items.join(', ') : '—');
/** Links are relative to docs/, where the file lives. */
const link = (file: string) => `[${file.split('/').pop()}](../${file})`;
const message = (ref: MessageRef) => `${code(ref.type)} v${ref.version}`;
/** `ordering.OrderPlaced` v1 -> `OrderPlaced v1`: on an arrow the publisher already names the context. */
const shortMessage = (ref: MessageRef) => `${ref.type.slice(ref.type.indexOf('.') + 1)} v${ref.version}`;
/** Mermaid node ids are plain words; the label keeps the real name. */
const nodeId = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
}

export function renderContextMap(map: ContextMap): string {
  const same = (ref: MessageRef) => (other: { message: MessageRef }) => messageKey(other.message) === messageKey(ref);
  const publishersOf = (ref: MessageRef) => map.contexts.filter((context) => context.publishes.some(same(ref))).map((c) => c.name);
  const consumersOf = (ref: MessageRef) => map.contexts.filter((context) => context.consumes.some(same(ref))).map((c) => c.name);

  // One arrow per publisher -> consumer pair, its messages stacked, so the diagram stays readable.
  const arrows = new Map<string, { from: string; to: string; messages: string[] }>();
  for (const publisher of map.contexts) {
    for (const { message: ref } of publisher.publishes) {
      for (const consumer of consumersOf(ref)) {
        const key = `${publisher.name} ${consumer}`;
        const arrow = arrows.get(key) ?? { from: publisher.name, to: consumer, messages: [] };
        arrow.messages.push(shortMessage(ref));
        arrows.set(key, arrow);
      }
    }
  }
  const mermaid = [
    '```mermaid',
    'flowchart LR',
    ...map.contexts.map((context) => `  ${nodeId(context.name)}[${context.name}]`),
    ...[...arrows.keys()]
      .sort(byText)
      .map((key) => arrows.get(key)!)
      .map(({ from, to, messages }) => `  ${nodeId(from)} -- "${messages.join('<br/>')}" --> ${nodeId(to)}`),
    '```',
  ];

  const contexts = map.contexts.flatMap((context) => [
    `### ${context.name}`,
    '',
    `Depends on: ${list(context.dependencies.map(code))}.`,
    '',
    ...(context.publishes.length === 0
      ? ['Publishes nothing.']
      : table(
          ['Publishes', 'Consumed by', 'Published in'],
          context.publishes.map((p) => [message(p.message), list(consumersOf(p.message)), p.files.map(link).join('<br/>')]),
        )),
    '',
    ...(context.consumes.length === 0
      ? ['Consumes nothing.']
      : table(
          ['Consumes', 'Published by', 'Handler', 'Method'],
          context.consumes.map((s) => [
            message(s.message),
            list(publishersOf(s.message)),
            s.handler ? code(s.handler) : '—',
            `[${s.method}](../${s.file})`,
          ]),
        )),
    '',
  ]);

  const unpublished = map.messages.filter((ref) => publishersOf(ref).length === 0).map(message);

  const strangleable = new Set(map.strangleable.map((entry) => entry.context));
  const facades = map.apps
    .filter((app) => app.modules.some((m) => m.module.startsWith('StranglerModule.forFacade(')))
    .map((app) => app.name);
  const strangler = [
    "The facade routes each strangleable context's commands and queries either to the context in-process " +
      `or to the service that hosts it; it runs in ${list(facades.map(code))}.`,
    '',
    `Not strangleable (always served in-process): ${list(
      map.contexts
        .map((c) => c.name)
        .filter((name) => !strangleable.has(name))
        .map(code),
    )}.`,
    '',
    ...table(
      ['Context', 'Served by', 'Commands', 'Queries', 'Declared in'],
      map.strangleable.map((entry) => [
        entry.context,
        code(entry.service),
        entry.commands.map(code).join('<br/>') || '—',
        entry.queries.map(code).join('<br/>') || '—',
        link(entry.file),
      ]),
    ),
  ];

  const contextNames = new Set(map.contexts.map((context) => context.name));
  const hosting = table(
    ['App', 'Contexts', 'Context modules', 'Other modules'],
    map.apps.map((app) => {
      const ofContexts = app.modules.filter((m) => contextNames.has(m.project));
      return [
        code(app.name),
        list([...new Set(ofContexts.map((m) => m.project))].sort(byText)),
        list(ofContexts.map((m) => (m.unless ? `${code(m.module)} unless ${code(m.unless)}` : code(m.module)))),
        list(app.modules.filter((m) => !contextNames.has(m.project)).map((m) => code(m.module))),
      ];
    }),
  );

  return [
    '# Context map',
    '',
    'Generated by `npm run docs:contexts` from the code (tools/docs); do not edit it by hand. ' +
      'A test fails when it no longer matches the code: run `npm run docs:contexts` and commit the result.',
    '',
    '## Contexts and their messages',
    '',
    'An arrow runs from the context that publishes an integration event (through its outbox) to each context that handles it.',
    '',
    ...mermaid,
    '',
    ...(unpublished.length > 0 ? [`Declared in the contracts but published by no context: ${unpublished.join(', ')}.`, ''] : []),
    '## Contexts',
    '',
    'What each context publishes and consumes, and the workspace libraries its production code imports.',
    '',
    ...contexts,
    '## Strangler',
    '',
    ...strangler,
    '',
    '## Apps',
    '',
    'Which app hosts what: the `imports` of its `@Module`, or of the dynamic module it composes.',
    '',
    ...hosting,
    '',
  ].join('\n');
}
