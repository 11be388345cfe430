import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { availableBackends, backend, BACKEND_ENV, BACKEND_NAMES, initBackend } from '../src/backend';

after(async () => { delete process.env[BACKEND_ENV]; await initBackend(); });

test('the best backend that loads is picked and reported', async () => {
  const loaded = availableBackends();
  assert.ok(loaded.includes('cpu'), 'the cpu backend always loads');
  const name = await initBackend();
  assert.equal(name, loaded[0]);
  assert.equal(backend(), name);
});

test('a backend can be forced by name or by the environment variable', async () => {
  assert.equal(await initBackend('cpu'), 'cpu');
  assert.equal(backend(), 'cpu');
  process.env[BACKEND_ENV] = 'cpu';
  assert.equal(await initBackend(), 'cpu');
  delete process.env[BACKEND_ENV];
});

test('an unknown backend name gets an error that lists the valid names', async () => {
  await assert.rejects(initBackend('gpu'), new RegExp(`initBackend: name must be one of ${BACKEND_NAMES.join(', ')}, but got "gpu"`));
  process.env[BACKEND_ENV] = 'webgl';
  await assert.rejects(initBackend(), /initBackend: DISCRETE_GRADIENTS_BACKEND must be one of tensorflow, wasm, cpu, but got "webgl"/);
  delete process.env[BACKEND_ENV];
});
