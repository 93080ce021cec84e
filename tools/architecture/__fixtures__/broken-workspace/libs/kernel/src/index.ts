import { Beta } from '@fx/beta';
import { a } from './a';

export const kernel = [Beta, a];
