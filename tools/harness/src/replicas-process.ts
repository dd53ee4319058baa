/**
 * `npm run start:replicas` as an operator runs it, for tests: the script (start-replicas.ts) in its own
 * process, ended with this one, resolved once it has printed its URLs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exitWithParent } from './exit-with-parent.js';

const script = fileURLToPath(new URL('./start-replicas.ts', import.meta.url));

export interface ReplicasProcess {
  /** HAProxy's origin. */
  origin: string;
  adminToken: string;
  /** Each replica's own origin and pid, as the script printed them. */
  replicas: { origin: string; pid: number }[];
  child: ChildProcess;
  /** Everything the script (and HAProxy, whose stderr is the script's) printed so far. */
  output(): string;
  /** SIGTERM, as Ctrl-C: resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface StartReplicasOptions {
  replicas: number;
  port: number;
  /** A PostgreSQL URL; default: the script's own throw-away cluster (whatever TRACKSPEC_DATABASE says). */
  database?: string;
}

export function startReplicasProcess({ replicas, port, database }: StartReplicasOptions): Promise<ReplicasProcess> {
  const args = [...exitWithParent, '--import', 'tsx', script, '--replicas', String(replicas), '--port', String(port)];
  if (database) args.push('--database', database);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, LOG_LEVEL: 'warn', TRACKSPEC_DATABASE: undefined },
    stdio: ['pipe', 'pipe', 'pipe'], // stdin: the pipe that ends it with this process
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`start:replicas printed no URLs within 60 s:\n${output}`)), 60_000);
    for (const stream of [child.stdout, child.stderr])
      stream.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const token = /Admin API bearer token: (\S+)\./.exec(output)?.[1];
        if (!token) return;
        clearTimeout(timer);
        resolve({
          origin: `http://127.0.0.1:${port}`,
          adminToken: token,
          replicas: [...output.matchAll(/replica\d+ +(http:\/\/\S+) \(pid (\d+)\)/g)].map(([, origin, pid]) => ({
            origin: origin!,
            pid: Number(pid),
          })),
          child,
          output: () => output,
          async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      });
    void exited.then((code) => reject(new Error(`start:replicas exited (${code}):\n${output}`)));
  });
}
