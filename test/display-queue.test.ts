import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisplayMessage, DisplayQueue } from '../src/display/display-queue';

/** A kernel whose display call takes a few milliseconds, recording what it sent. */
function slowKernel(ms = 2) {
  const sent: DisplayMessage[] = [];
  let busy = false;
  const send = async (m: DisplayMessage) => {
    assert.equal(busy, false, 'two sends overlapped');
    busy = true;
    await new Promise((resolve) => setTimeout(resolve, ms));
    sent.push(m);
    busy = false;
  };
  return { sent, send };
}

const text = (m: DisplayMessage) => m.data['text/plain'];

test('messages leave one at a time, in the order they were pushed', async () => {
  const kernel = slowKernel();
  const queue = new DisplayQueue(kernel.send);
  await Promise.all(['a', 'b', 'c'].map((t) => queue.push({ data: { 'text/plain': t }, update: false })));
  assert.deepEqual(kernel.sent.map(text), ['a', 'b', 'c']);
});

test('a waiting update of an output is replaced by a newer one, and both callers are told when it is sent', async () => {
  const kernel = slowKernel();
  const queue = new DisplayQueue(kernel.send);
  const created = queue.push({ data: { 'text/plain': 'new' }, displayId: 'p', update: false });
  const first = queue.push({ data: { 'text/plain': 'step 1' }, displayId: 'p', update: true });
  const other = queue.push({ data: { 'text/plain': 'chart' }, displayId: 'c', update: true });
  const second = queue.push({ data: { 'text/plain': 'step 2' }, displayId: 'p', update: true });
  await Promise.all([created, first, other, second]);
  assert.deepEqual(kernel.sent.map(text), ['new', 'step 2', 'chart']);
});

test('creations and messages without an id are never merged', async () => {
  const kernel = slowKernel();
  const queue = new DisplayQueue(kernel.send);
  await Promise.all([
    queue.push({ data: { 'text/plain': 'one' }, displayId: 'p', update: false }),
    queue.push({ data: { 'text/plain': 'two' }, displayId: 'p', update: false }),
    queue.push({ data: { 'text/plain': 'three' }, update: true }),
    queue.push({ data: { 'text/plain': 'four' }, update: true }),
  ]);
  assert.deepEqual(kernel.sent.map(text), ['one', 'two', 'three', 'four']);
});

test('an update pushed while an earlier one of the same output is in flight is sent after it', async () => {
  const kernel = slowKernel(10);
  const queue = new DisplayQueue(kernel.send);
  const first = queue.push({ data: { 'text/plain': 'step 1' }, displayId: 'p', update: true });
  await new Promise((resolve) => setTimeout(resolve, 3)); // step 1 is now being sent
  await Promise.all([first, queue.push({ data: { 'text/plain': 'step 2' }, displayId: 'p', update: true })]);
  assert.deepEqual(kernel.sent.map(text), ['step 1', 'step 2']);
});

test('a failed send rejects its callers and the queue goes on with the next message', async () => {
  const sent: string[] = [];
  const queue = new DisplayQueue(async (m) => {
    if (text(m) === 'bad') throw new Error('kernel refused');
    sent.push(String(text(m)));
  });
  const bad = queue.push({ data: { 'text/plain': 'bad' }, update: false });
  const good = queue.push({ data: { 'text/plain': 'good' }, update: false });
  await assert.rejects(bad, /kernel refused/);
  await good;
  assert.deepEqual(sent, ['good']);
  // The queue is idle again and still works.
  await queue.push({ data: { 'text/plain': 'later' }, update: false });
  assert.deepEqual(sent, ['good', 'later']);
});
