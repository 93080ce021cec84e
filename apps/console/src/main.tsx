import { render } from 'preact';
import { Console } from './console.js';

render(<Console />, document.getElementById('console')!);
