/**
 * A merchant's upload client in a child process of its own: it streams a file from disk to a multipart endpoint
 * and hands the answer back. In the bench's own process its `fetch`, FormData and their garbage would share the
 * server's event loop and be counted in the platform's memory; both still share the machine's cores, as a
 * client on the same host would. The child is started once (`startUploadClient`), before anything is timed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openAsBlob } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const UploadRequest = z.object({ url: z.url(), token: z.string(), file: z.string(), type: z.string() });
type UploadRequest = z.infer<typeof UploadRequest>;

const UploadAnswer = z.object({ status: z.number(), body: z.string() });
export type UploadAnswer = z.infer<typeof UploadAnswer>;

async function post(request: UploadRequest): Promise<UploadAnswer> {
  const form = new FormData();
  // A file-backed Blob: fetch streams it from disk instead of holding the file in memory.
  form.append('file', await openAsBlob(request.file, { type: request.type }), path.basename(request.file));
  const response = await fetch(request.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${request.token}` },
    body: form,
  });
  return { status: response.status, body: await response.text() };
}

export interface UploadClient {
  /** POSTs the file as the form's "file" part and returns the answer. */
  upload(request: UploadRequest): Promise<UploadAnswer>;
  close(): Promise<void>;
}

/** Forks the client and waits until it is ready to send. */
export async function startUploadClient(): Promise<UploadClient> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  await once(child, 'message');
  return {
    async upload(request) {
      const answer = once(child, 'message');
      child.send(UploadRequest.parse(request));
      const [message] = (await Promise.race([
        answer,
        exited.then(([code]) => {
          throw new Error(`the upload client exited (${String(code)}) before answering`);
        }),
      ])) as [unknown];
      return UploadAnswer.parse(message);
    },
    async close() {
      child.disconnect();
      await exited;
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  process.on('message', (message: unknown) => {
    post(UploadRequest.parse(message)).then(
      (answer) => process.send?.(answer),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exit(1);
      },
    );
  });
  process.send('ready');
}
