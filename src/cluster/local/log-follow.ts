import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

/**
 * Yields a file's content as it grows. Without follow: what is there now. With follow:
 * keeps reading until `stillWriting()` is false and the end is reached, or the signal aborts.
 */
export async function* followFile(
  path: string,
  options: { follow: boolean; signal?: AbortSignal; stillWriting: () => boolean; pollMs?: number },
): AsyncIterable<string> {
  let offset = 0;
  const decoder = new StringDecoder('utf8'); // a read may end inside a multi-byte character
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    if (options.signal?.aborted) return;
    const handle = await open(path, 'r').catch(() => undefined);
    let read = 0;
    if (handle) {
      try {
        for (;;) {
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
          if (bytesRead === 0) break;
          offset += bytesRead;
          read += bytesRead;
          yield decoder.write(buffer.subarray(0, bytesRead));
        }
      } finally {
        await handle.close();
      }
    }
    if (!options.follow) return;
    if (read === 0 && !options.stillWriting()) return;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
  }
}
