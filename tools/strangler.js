#!/usr/bin/env node
// The strangler's command line, a thin client of the admin API:
//   npm run strangler -- status
//   npm run strangler -- set ordering service
//   npm run strangler -- set ordering canary 25
// Talks to SHOP_URL (default http://localhost:3000) as an admin: SHOP_TOKEN, or ADMIN_EMAIL + ADMIN_PASSWORD to log in.

const USAGE = `usage: strangler status
       strangler set <context> <monolith|service|shadow|canary> [percent]`;

export async function main(argv, env = process.env, out = console) {
  const base = (env.SHOP_URL ?? 'http://localhost:3000').replace(/\/$/, '');
  const [command, context, mode, percent] = argv;
  if (command !== 'status' && !(command === 'set' && context && mode)) {
    out.error(USAGE);
    return 64; // EX_USAGE
  }
  const token = env.SHOP_TOKEN ?? (await logIn(base, env));
  const call = (method, path, body) =>
    fetch(`${base}/api/v1/admin/strangler${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });

  const response =
    command === 'status'
      ? await call('GET', '/routes')
      : await call('PUT', `/routes/${encodeURIComponent(context)}`, percent === undefined ? { mode } : { mode, percent: Number(percent) });
  const body = await response.json();
  if (!response.ok) {
    const errors = body.errors ? ` (${body.errors.map((e) => `${e.field}: ${e.message}`).join('; ')})` : '';
    out.error(`${response.status} ${body.title}: ${body.detail}${errors}`);
    return 1;
  }
  for (const route of body.routes ?? [body]) out.log(describe(route));
  return 0;
}

function describe({ context, mode, percent, updatedAt, updatedBy }) {
  const share = mode === 'canary' ? ` ${percent}%` : '';
  return `${context.padEnd(10)} ${(mode + share).padEnd(12)} since ${updatedAt} by ${updatedBy}`;
}

async function logIn(base, env) {
  if (!env.ADMIN_EMAIL || !env.ADMIN_PASSWORD) throw new Error('set SHOP_TOKEN, or ADMIN_EMAIL and ADMIN_PASSWORD');
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }),
  });
  if (!response.ok) throw new Error(`login as ${env.ADMIN_EMAIL} failed: ${response.status}`);
  return (await response.json()).accessToken;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
