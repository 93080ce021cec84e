import { CreateStranglerTables1763700000900 } from './1763700000900-create-strangler-tables.migration.js';
import { CreateControlPlane1764700000900 } from './1764700000900-control-plane.migration.js';
import { CreateEvidence1764800000900 } from './1764800000900-evidence.migration.js';
import { CreateShadowTables1764800000910 } from './1764800000910-shadow.migration.js';
import { GateJudgedAt1764900000900 } from './1764900000900-gate-judged-at.migration.js';
import { PlansCountShadowFromStep1764900001000 } from './1764900001000-plans-count-shadow-from-step.migration.js';

/** The `strangler` schema's migrations, oldest first. */
export const STRANGLER_MIGRATIONS = [
  CreateStranglerTables1763700000900,
  CreateControlPlane1764700000900,
  CreateEvidence1764800000900,
  CreateShadowTables1764800000910,
  GateJudgedAt1764900000900,
  PlansCountShadowFromStep1764900001000,
];
