import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { memoryStore } from '@pipkit/core';
import { describe, expect, it } from 'vitest';
import { eventually, startService } from './__fixtures__/service.js';
import { quickStart } from './quickStart.js';

const PACKAGE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

describe('the quick start', () => {
  it('opens a PIP, submits it pinned to the version read, and reads a refusal', async () => {
    const service = await startService(memoryStore());
    try {
      expect(await quickStart(service.url)).toEqual({
        opened: [201, '"1"'],
        submitted: [200, '"3"'],
        refused: [422, 'application/problem+json; charset=utf-8', 'COMMAND_REFUSED'],
        issues: ['NOT_ALLOWED_IN_STATE'],
      });
    } finally {
      await service.close();
    }
  });
});

describe('pnpm start (src/server.ts)', () => {
  it('serves on the configured store and stops cleanly on SIGTERM', async () => {
    const path = join(tmpdir(), `pipkit-server-${randomBytes(6).toString('hex')}.db`);
    const lines: Record<string, unknown>[] = [];
    const child: ChildProcess = spawn(
      process.execPath,
      ['--conditions=@pipkit/source', '--import', 'tsx', 'src/server.ts'],
      {
        cwd: PACKAGE_DIR,
        env: { ...process.env, PIPKIT_STORE: 'sqlite', PIPKIT_SQLITE_PATH: path, PORT: '0' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete)
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      let url = '';
      await eventually(
        () => {
          const listening = lines.find((line) =>
            String(line.msg).startsWith('Server listening at'),
          );
          const message = typeof listening?.msg === 'string' ? listening.msg : '';
          url = message.replace('Server listening at ', '');
          return url !== '';
        },
        'the server listening',
        { attempts: 600 },
      );
      const health = await fetch(`${url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok', store: 'sqlite' });
      expect(await quickStart(url)).toMatchObject({ opened: [201, '"1"'] });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(lines.map((line) => line.msg)).toContain('stopped');
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  }, 20_000);
});
