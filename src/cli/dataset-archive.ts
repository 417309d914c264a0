import { createReadStream, createWriteStream, openAsBlob } from 'node:fs';
import { lstat, mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack, type Pack } from 'tar-stream';
import { UsageError } from './output.js';

/**
 * What `beamline datasets upload` sends: a .tar/.tar.gz as it is, or a directory packed into a
 * .tar.gz in a temporary file first (files, directories and symbolic links, in name order;
 * the server checks links and paths again). Files are streamed, never read whole into memory;
 * `done()` removes the temporary one.
 */
export async function archiveOf(path: string): Promise<{ blob: Blob; packed: boolean; done: () => Promise<void> }> {
  const st = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${path}: ${error.code ?? error.message}`);
  });
  if (st.isFile()) return { blob: await openAsBlob(path), packed: false, done: async () => undefined };
  if (!st.isDirectory()) throw new UsageError(`${path} is neither a .tar/.tar.gz file nor a directory`);
  const dir = await mkdtemp(join(tmpdir(), 'beamline-dataset-'));
  const file = join(dir, 'dataset.tar.gz');
  try {
    const tar = pack();
    const written = pipeline(tar as unknown as Readable, createGzip(), createWriteStream(file));
    await addTree(tar, path, '');
    tar.finalize();
    await written;
    return { blob: await openAsBlob(file), packed: true, done: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function addTree(tar: Pack, root: string, rel: string): Promise<void> {
  const entries = (await readdir(join(root, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const d of entries) {
    const name = rel ? `${rel}/${d.name}` : d.name;
    const full = join(root, name);
    if (d.isDirectory()) {
      await entry(tar, { name: `${name}/`, type: 'directory', mode: 0o755 });
      await addTree(tar, root, name);
    } else if (d.isSymbolicLink()) {
      await entry(tar, { name, type: 'symlink', linkname: await readlink(full) });
    } else if (d.isFile()) {
      await fileEntry(tar, name, full);
    } else {
      throw new UsageError(`${full} is not a file, directory or symbolic link (a dataset holds only those)`);
    }
  }
}

function entry(tar: Pack, header: Parameters<Pack['entry']>[0]): Promise<void> {
  return new Promise((resolve, reject) => tar.entry(header, '', (error) => (error ? reject(error) : resolve())));
}

/** A file streamed into the tar; tar-stream fails the entry when the file changes size meanwhile. */
async function fileEntry(tar: Pack, name: string, full: string): Promise<void> {
  const { size } = await lstat(full);
  await new Promise<void>((resolve, reject) => {
    const sink = tar.entry({ name, type: 'file', mode: 0o644, size }, (error) => (error ? reject(error) : resolve()));
    const source = createReadStream(full);
    source.on('error', (error) => {
      sink.destroy(error);
      reject(error);
    });
    source.pipe(sink as unknown as NodeJS.WritableStream);
  });
}
