import { alpha } from '@fx/alpha';
import { Beta } from '@fx/beta';

export const shell = [alpha, Beta];
