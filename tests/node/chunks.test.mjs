// evaluateFile's workers read their slice with chunks() (www/entry/chunks.mjs):
// a BYOB reader into two buffers that take turns where the stream has one, the
// default reader otherwise. Every byte must come out once, in order, either way.
import test from "node:test";
import assert from "node:assert/strict";
import { CHUNK_BYTES, chunks } from "../../pkg/chunks.mjs";

/** Bytes 0..n with a pattern that shows a chunk out of place. */
const pattern = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + (i >> 11)) & 255);

/** Every chunk copied out as it comes (a chunk's buffer is reused after the next read). */
async function readAll(blob) {
  const parts = [];
  for await (const chunk of chunks(blob)) parts.push(Uint8Array.from(chunk));
  return parts;
}

const joined = (parts) => Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));

test("a Blob is read with a BYOB reader, in chunks of at most CHUNK_BYTES, every byte once", async () => {
  for (const n of [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 12345]) {
    const bytes = pattern(n);
    const parts = await readAll(new Blob([bytes]));
    assert.ok(parts.every((p) => p.length > 0 && p.length <= CHUNK_BYTES), `chunk sizes ${parts.map((p) => p.length)}`);
    assert.ok(joined(parts).equals(Buffer.from(bytes)), `${n} bytes`);
  }
});

test("two buffers take turns: a chunk stays intact until the next one is asked for", async () => {
  const bytes = pattern(4 * CHUNK_BYTES);
  const seen = [];
  for await (const chunk of chunks(new Blob([bytes]))) {
    // The read under way must not write into the chunk being evaluated.
    await new Promise((resolve) => setTimeout(resolve, 5));
    seen.push(Uint8Array.from(chunk));
  }
  assert.ok(joined(seen).equals(Buffer.from(bytes)));
  assert.ok(seen.length >= 4);
});

test("a stream without a BYOB reader is read with the default one", async () => {
  const bytes = pattern(2 * CHUNK_BYTES + 99);
  // Not a byte stream: getReader({ mode: "byob" }) throws, as on browsers without BYOB.
  const plain = {
    stream: () =>
      new ReadableStream({
        start(controller) {
          for (let at = 0; at < bytes.length; at += 300_000) controller.enqueue(bytes.slice(at, at + 300_000));
          controller.close();
        },
      }),
  };
  assert.throws(() => plain.stream().getReader({ mode: "byob" }), TypeError);
  const parts = await readAll(plain);
  const sizes = [...Array(6).fill(300_000), bytes.length - 6 * 300_000];
  assert.deepEqual(parts.map((p) => p.length), sizes, "the stream's own chunks");
  assert.ok(joined(parts).equals(Buffer.from(bytes)));
});
