import type { StrangleableContext } from '@fx/relay';
import { DoAlpha } from './application/do-alpha.js';

export const alphaStrangleable = {
  context: 'alpha',
  service: 'alpha-service',
  commands: { 'alpha.DoAlpha.v1': DoAlpha },
  queries: {},
} satisfies StrangleableContext;
