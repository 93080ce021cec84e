import { z } from 'zod';

export const ENVIRONMENTS = ['development', 'production', 'test'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** What every slice may know besides its own variables. */
export interface SliceContext {
  env: Environment;
}

/**
 * One module's part of the configuration: the environment variables it reads (a zod shape with
 * defaults), checks across them, and the typed value the module is given. The module that uses a
 * setting owns it; the app collects every slice of its module tree and validates them together at
 * start-up (see loadConfiguration), so every problem is reported at once.
 */
export interface ConfigSlice<T> {
  /** The owner, e.g. `payments`; also names the injection token. */
  readonly name: string;
  readonly variables: z.ZodObject;
  /** Variables whose value is never echoed in a problem. */
  readonly secrets: readonly string[];
  check(raw: Record<string, unknown>, context: SliceContext): string[];
  build(raw: Record<string, unknown>, context: SliceContext): T;
  /** Inject the built value with `@Inject(slice.token)` once the module imports `ConfigModule.forFeature(slice)`. */
  readonly token: symbol;
}

export interface ConfigSliceSpec<Shape extends z.ZodRawShape, T> {
  name: string;
  variables: Shape;
  secrets?: Array<keyof Shape & string>;
  check?: (raw: z.output<z.ZodObject<Shape>>, context: SliceContext) => string[];
  build: (raw: z.output<z.ZodObject<Shape>>, context: SliceContext) => T;
}

export function defineConfig<Shape extends z.ZodRawShape, T>(spec: ConfigSliceSpec<Shape, T>): ConfigSlice<T> {
  type Raw = z.output<z.ZodObject<Shape>>;
  return {
    name: spec.name,
    variables: z.object(spec.variables),
    secrets: spec.secrets ?? [],
    check: (raw, context) => spec.check?.(raw as Raw, context) ?? [],
    build: (raw, context) => spec.build(raw as Raw, context),
    token: Symbol(`config:${spec.name}`),
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The validated configuration of one process: each slice's value. */
export class Configuration {
  constructor(
    readonly env: Environment,
    private readonly values: ReadonlyMap<ConfigSlice<unknown>, unknown>,
  ) {}

  get<T>(slice: ConfigSlice<T>): T {
    if (!this.values.has(slice))
      throw new Error(`The configuration slice "${slice.name}" was not loaded; import ConfigModule.forFeature(${slice.name}Config).`);
    return this.values.get(slice) as T;
  }

  has(slice: ConfigSlice<unknown>): boolean {
    return this.values.has(slice);
  }
}

type Env = Record<string, string | undefined>;

const environmentVariable = z.enum(ENVIRONMENTS, { error: `must be ${ENVIRONMENTS.join(', ')}` }).default('development');

/**
 * Validates every slice against the environment and builds their values. Every bad value of every
 * slice is reported, each with its variable and reason (secrets never echoed), in one ConfigError.
 */
export function loadConfiguration(slices: ReadonlyArray<ConfigSlice<unknown>>, env: Env = process.env): Configuration {
  const unique = [...new Set(slices)];
  assertNoVariableOwnedTwice(unique);
  const problems: string[] = [];
  const nodeEnv = environmentVariable.safeParse(env.NODE_ENV);
  if (!nodeEnv.success) problems.push(`NODE_ENV: ${nodeEnv.error.issues[0]!.message} (got ${JSON.stringify(env.NODE_ENV)})`);
  const context: SliceContext = { env: nodeEnv.success ? nodeEnv.data : 'development' };

  const values = new Map<ConfigSlice<unknown>, unknown>();
  for (const slice of unique) {
    const parsed = slice.variables.safeParse(env);
    if (!parsed.success) {
      problems.push(...describeIssues(parsed.error, env, slice.secrets));
      continue;
    }
    const sliceProblems = slice.check(parsed.data, context);
    if (sliceProblems.length > 0) {
      problems.push(...sliceProblems);
      continue;
    }
    values.set(slice, slice.build(parsed.data, context));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return new Configuration(context.env, values);
}

/** A variable belongs to one slice: two owners would be two sources of truth. */
function assertNoVariableOwnedTwice(slices: ReadonlyArray<ConfigSlice<unknown>>): void {
  const owners = new Map<string, string>();
  for (const slice of slices) {
    for (const variable of Object.keys(slice.variables.shape)) {
      const owner = owners.get(variable);
      if (owner && owner !== slice.name)
        throw new Error(`${variable} is declared by both the ${owner} and the ${slice.name} configuration`);
      owners.set(variable, slice.name);
    }
  }
}

function describeIssues(error: z.ZodError, env: Env, secrets: readonly string[]): string[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    const value = env[name];
    const shown = value === undefined || secrets.includes(name) ? '' : ` (got ${JSON.stringify(value)})`;
    return `${name}: ${issue.message}${shown}`;
  });
}
