import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from './__fixtures__/service.js';
import { loadAuthConfig, loadConfig } from './config.js';
import { quickStart } from './quickStart.js';

const PACKAGE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const files: string[] = [];
afterAll(() => {
  for (const path of files)
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
});

interface Spawned {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  readonly exited: Promise<number | null>;
  /** The service's URL, once it logs that it listens. */
  listening(): Promise<string>;
}

/** Spawns `command` in the package folder on a fresh SQLite file, reading its JSON log lines. */
function spawnService(command: string, args: string[], env: Record<string, string>): Spawned {
  const path = join(tmpdir(), `pipkit-server-${randomBytes(6).toString('hex')}.db`);
  files.push(path);
  const child = spawn(command, args, {
    cwd: PACKAGE_DIR,
    env: { ...process.env, PIPKIT_STORE: 'sqlite', PIPKIT_SQLITE_PATH: path, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete) {
      // pnpm prints its own banner lines; only the service's JSON lines are kept.
      if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    child,
    lines,
    exited,
    async listening() {
      let url = '';
      await eventually(
        () => {
          const line = lines.find((entry) => String(entry.msg).startsWith('Server listening at'));
          url = typeof line?.msg === 'string' ? line.msg.replace('Server listening at ', '') : '';
          return url !== '';
        },
        'the server listening',
        { attempts: 800 },
      );
      return url;
    },
  };
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the start script (src/server.ts)', () => {
  it('verifies bearer tokens with the configured key, keeps /docs behind them, runs the worker inline, and stops on SIGTERM', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const service = spawnService(
      process.execPath,
      ['--conditions=@pipkit/source', '--import', 'tsx', 'src/server.ts'],
      {
        PIPKIT_AUTH_PUBLIC_KEY: await exportSPKI(publicKey),
        PIPKIT_AUTH_ISSUER: 'https://login.example.test/',
        PIPKIT_AUTH_AUDIENCE: 'pipkit',
        PIPKIT_WORKER: 'inline',
      },
    );
    try {
      const url = await service.listening();
      const health = await fetch(`${url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok', store: 'sqlite' });
      expect((await fetch(`${url}/openapi.json`)).status).toBe(401);
      // The process checks exp against the system clock: the token is signed for it.
      const token = await new SignJWT({ role: 'manager' })
        .setProtectedHeader({ alg: 'RS256' })
        .setSubject('mgr-9')
        .setIssuer('https://login.example.test/')
        .setAudience('pipkit')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey);
      expect(await quickStart(url, token)).toMatchObject({ opened: [201, '"1"'] });
      const docs = await fetch(`${url}/openapi.json`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(docs.status).toBe(200);
    } finally {
      service.child.kill('SIGTERM');
    }
    expect(await service.exited).toBe(0);
    expect(service.lines.map((line) => line.msg)).toContain('stopped');
    // The inline worker heard the commits of the requests and relayed their messages at once.
    const rounds = service.lines.filter((line) => line.msg === 'worker round');
    expect(rounds.some((line) => line.cause === 'wakeup')).toBe(true);
    expect(rounds.flatMap((line) => line.delivered as string[]).length).toBeGreaterThan(0);
  }, 30_000);

  it('through pnpm start, warns that dev headers are for development, and leaves no node process behind when pnpm is stopped', async () => {
    // Under pnpm, npm_execpath is pnpm's own entry point; otherwise pnpm is on the PATH.
    const pnpm = process.env.npm_execpath;
    const service = pnpm?.includes('pnpm')
      ? spawnService(process.execPath, [pnpm, 'start'], { PIPKIT_AUTH: 'dev-headers' })
      : spawnService('pnpm', ['start'], { PIPKIT_AUTH: 'dev-headers' });
    await service.listening();
    const pid = Number(service.lines.find((line) => typeof line.pid === 'number')?.pid);
    expect(pid).not.toBe(service.child.pid);
    expect(isRunning(pid)).toBe(true);
    expect(service.lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: expect.stringContaining('dev-headers') as unknown,
      }),
    );
    service.child.kill('SIGTERM');
    await service.exited;
    await eventually(() => !isRunning(pid), 'the node process to exit', { attempts: 400 });
    expect(service.lines.map((line) => line.msg)).toContain('stopped');
  }, 30_000);
});

describe('the configuration', () => {
  const jwt = {
    PIPKIT_AUTH_JWKS_URL: 'https://login.example.test/.well-known/jwks.json',
    PIPKIT_AUTH_ISSUER: 'https://login.example.test/',
    PIPKIT_AUTH_AUDIENCE: 'pipkit',
  };

  it('requires an issuer, an audience and exactly one key source for bearer tokens', () => {
    expect(loadAuthConfig(jwt)).toMatchObject({
      mode: 'jwt',
      roleClaim: 'role',
      tenantClaim: 'tenant',
    });
    expect(() => loadAuthConfig({})).toThrow(/PIPKIT_AUTH_JWKS_URL/);
    expect(() => loadAuthConfig({ ...jwt, PIPKIT_AUTH_ISSUER: '' })).toThrow(/PIPKIT_AUTH_ISSUER/);
    expect(() => loadAuthConfig({ ...jwt, PIPKIT_AUTH_PUBLIC_KEY: 'pem' })).toThrow(/exactly one/);
    expect(() => loadAuthConfig({ PIPKIT_AUTH: 'basic' })).toThrow(/PIPKIT_AUTH/);
  });

  it('refuses development headers in production', () => {
    expect(loadAuthConfig({ PIPKIT_AUTH: 'dev-headers' })).toEqual({ mode: 'dev-headers' });
    expect(() => loadAuthConfig({ PIPKIT_AUTH: 'dev-headers', NODE_ENV: 'production' })).toThrow(
      /production/,
    );
  });

  it('reads the docs access, the rate limit and the timeouts, and refuses values it cannot use', () => {
    expect(loadConfig({})).toMatchObject({
      docs: 'authenticated',
      rateLimit: { max: 300, timeWindowMs: 60_000 },
      timeouts: { requestMs: 10_000, idleMs: 10_000, keepAliveMs: 5_000 },
      tenantId: 'default',
    });
    expect(loadConfig({ PIPKIT_DOCS: 'off', PIPKIT_RATE_LIMIT: '0' })).toMatchObject({
      docs: 'off',
      rateLimit: false,
    });
    expect(() => loadConfig({ PIPKIT_DOCS: 'open' })).toThrow(/PIPKIT_DOCS/);
    expect(() => loadConfig({ PIPKIT_REQUEST_TIMEOUT_MS: 'soon' })).toThrow(/whole number/);
  });
});
