// Where `download -o PATH` writes. A regular file is written to a temporary file next to it and
// renamed over it at the end (atomic: the old document or the whole new one, never half), with
// the old file's mode, or 0600 for a new file (fax documents are personal data). A device, a FIFO
// or a socket (`-o /dev/stdout`) is written to directly. A symlink is written through: the file
// it points to is replaced, the link stays. What was written so far is removed on every exit path
// (an error, Ctrl-C, SIGTERM, process.exit), and errors name PATH as the user gave it.
import { close, closeSync, fchmod, fsync, open, unlinkSync, write, type Stats } from "node:fs";
import { lstat, realpath, rename, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { CommandFailed } from "./failures.js";
import { UsageError } from "./args.js";

export interface Destination {
  /** A regular file (written through a temporary file), not a device, FIFO or socket. */
  readonly file: boolean;
  write(chunk: Uint8Array): Promise<void>;
  /** Makes what was written the file (the rename of a regular file); then nothing is removed. */
  commit(): Promise<void>;
  /** Removes what was written, if it is ours to remove; synchronous (for signals and `exit`). */
  abandon(): void;
}

/** A new document's mode: readable and writable by its owner only. */
export const NEW_FILE_MODE = 0o600;

/**
 * Opens `path` for a download, before anything is requested: a folder that does not exist or
 * cannot be written is refused (exit code 2) with nothing downloaded.
 */
export async function openDestination(path: string): Promise<Destination> {
  const target = await statOrUndefined(path, stat);
  if (target && target.isDirectory()) throw refused(path, "it is a folder");
  if (target && !target.isFile()) return direct(path, await attempt(path, () => openFd(path, "w")));
  const link = await statOrUndefined(path, lstat);
  if (link?.isSymbolicLink() && !target) {
    // A link to nothing yet: create the file it points to (and remove it if the download fails).
    const fd = await attempt(path, () => openFd(path, "wx", NEW_FILE_MODE));
    const created = await realpath(path);
    return direct(path, fd, created);
  }
  // A regular file (through its links) or a new one: a temporary file in the same folder.
  const final = target ? await realpath(path) : path;
  const mode = target ? target.mode & 0o7777 : NEW_FILE_MODE;
  const temporary = join(dirname(final), `.${basename(final)}.${process.pid}-${suffix()}.part`);
  const fd = await attempt(path, () => openFd(temporary, "wx", mode));
  let closed = false;
  let done = false;
  const abandon = () => {
    if (done) return;
    done = true;
    if (!closed) closeQuietly(fd);
    removeQuietly(temporary);
  };
  try {
    await fchmodFd(fd, mode); // the process umask does not narrow a kept mode
  } catch (error) {
    abandon();
    throw error;
  }
  return {
    file: true,
    write: (chunk) => writing(path, () => writeAll(fd, chunk)),
    async commit() {
      await writing(path, async () => {
        await fsyncFd(fd);
        closed = true;
        await closeFd(fd);
        await rename(temporary, final);
      });
      done = true;
    },
    abandon,
  };
}

/** Written to as it is (a device, a FIFO, a new file behind a link); `created` is removed on abandon. */
function direct(path: string, fd: number, created?: string): Destination {
  let done = false;
  return {
    file: created !== undefined,
    write: (chunk) => writing(path, () => writeAll(fd, chunk)),
    async commit() {
      done = true;
      await writing(path, () => closeFd(fd));
    },
    abandon() {
      if (done) return;
      done = true;
      closeQuietly(fd);
      if (created) removeQuietly(created);
    },
  };
}

// File descriptors, not FileHandles: `abandon` must close synchronously (in a signal handler).
const openFd = promisify(open) as (path: string, flags: string, mode?: number) => Promise<number>;
// promisify(write) resolves to `{ bytesWritten, buffer }` (fs.write's own promisified form).
const writeFd = promisify(write) as unknown as (
  fd: number,
  data: Uint8Array,
) => Promise<{ bytesWritten: number }>;
const fchmodFd = promisify(fchmod);
const fsyncFd = promisify(fsync);
const closeFd = promisify(close);

async function writeAll(fd: number, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength;) {
    offset += (await writeFd(fd, chunk.subarray(offset))).bytesWritten;
  }
}

async function statOrUndefined(
  path: string,
  read: (path: string) => Promise<Stats>,
): Promise<Stats | undefined> {
  try {
    return await read(path);
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (code === "ENOENT") return undefined;
    throw refused(path, reason(code));
  }
}

/** Opening: a failure is bad input (exit 2), named by the user's path. */
async function attempt<T>(path: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw refused(path, reason((error as NodeJS.ErrnoException).code));
  }
}

/** Writing: a failure (a full disk) is exit 1, named by the user's path. */
async function writing(path: string, step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    if (typeof code !== "string") throw error;
    throw new CommandFailed(`cannot write ${path}: ${reason(code)}`);
  }
}

function refused(path: string, why: string): UsageError {
  return new UsageError(`cannot write ${path}: ${why}`, { showHelp: false });
}

function reason(code: string | undefined): string {
  switch (code) {
    case "ENOENT":
      return "no such folder";
    case "ENOTDIR":
      return "a part of the path is not a folder";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a folder";
    case "ENOSPC":
      return "no space left on the device";
    case "EROFS":
      return "the file system is read-only";
    case "ENXIO":
      return "it cannot be opened for writing (a socket, or a FIFO without a reader)";
    default:
      return code ?? "failed";
  }
}

function suffix(): string {
  return Math.floor(Math.random() * 2 ** 32).toString(16);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
