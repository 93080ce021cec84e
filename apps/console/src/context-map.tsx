import { parseMarkdown, type Block, type Inline } from './markdown.js';

const blocks = parseMarkdown(CONTEXT_MAP);

const Text = ({ parts }: { parts: Inline[] }) => (
  <>{parts.map((part, index) => ('code' in part ? <code key={index}>{part.code}</code> : part.text))}</>
);

function BlockView({ block }: { block: Block }) {
  switch (block.kind) {
    case 'heading': {
      const Heading = `h${Math.min(block.level + 1, 6)}` as 'h2';
      return (
        <Heading>
          <Text parts={block.text} />
        </Heading>
      );
    }
    case 'paragraph':
      return (
        <p>
          <Text parts={block.text} />
        </p>
      );
    case 'list':
      return (
        <ul>
          {block.items.map((item, index) => (
            <li key={index}>
              <Text parts={item} />
            </li>
          ))}
        </ul>
      );
    case 'table':
      return (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                {block.head.map((cell, index) => (
                  <th key={index} scope="col">
                    <Text parts={cell} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {block.rows.map((row, index) => (
                <tr key={index}>
                  {row.map((cell, column) => (
                    <td key={column}>
                      <Text parts={cell} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    case 'code':
      return (
        <pre class="code" aria-label={block.language === 'mermaid' ? 'diagram source (Mermaid)' : 'code'}>
          {block.text}
        </pre>
      );
  }
}

/** The generated context map (docs/contexts.md), as built into the console. */
export function ContextMap() {
  return (
    <article class="map">
      {blocks.map((block, index) => (
        <BlockView key={index} block={block} />
      ))}
    </article>
  );
}
