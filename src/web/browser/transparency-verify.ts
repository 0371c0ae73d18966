/**
 * "Verify in your browser" on /transparency: the log monitor of src/tlog (the very code
 * `mvid log verify` runs) with this browser's localStorage as its state. The first visit
 * pins the log key and checks every entry; later visits check the new checkpoint's
 * signature and its consistency with the one verified last time, then only the new entries.
 */
import { systemClock } from '../../core/index.ts';
import { type MonitorState, verifyLog } from '../../tlog/index.ts';
import type { Messages } from '../i18n/index.ts';
import { byId, create, fill, messages, origin, storage } from './dom.ts';

/** The page's messages, in its language. */
const M = messages<Messages['verifyBundle']>();

const STATE_KEY = 'mvid.log-monitor.v1';

function step(list: ReturnType<typeof byId>, ok: boolean, text: string): void {
  const li = create('li', `${ok ? '✓' : '✗'} ${text}`, ok ? 'ok' : 'error');
  list.append(li);
}

async function run(): Promise<void> {
  const button = byId('verify');
  const steps = byId('verify-steps');
  const status = byId('verify-status');
  const progress = byId('verify-progress');
  button.disabled = true;
  steps.replaceChildren();
  progress.hidden = false;
  progress.value = 0;
  status.textContent = M.verifying;
  const saved = storage().getItem(STATE_KEY);
  let state: MonitorState | null = null;
  try {
    state = saved === null ? null : (JSON.parse(saved) as MonitorState);
  } catch {
    state = null;
  }
  const notices: string[] = [];
  try {
    const result = await verifyLog({
      url: origin(),
      fetch: (input, init) => globalThis.fetch(input, init),
      clock: systemClock,
      state,
      notice: (m) => notices.push(m),
      progress: (done, total) => {
        progress.max = Number(total);
        progress.value = Number(done);
        status.textContent = fill(M.checked, { done, total });
      },
    });
    const cp = result.checkpoint;
    step(steps, true, fill(state === null ? M.keyPinned : M.keyUnchanged, { vkey: result.state.vkey }));
    step(steps, true, fill(M.signature, { size: cp.size, origin: cp.origin }));
    step(steps, true, state === null ? M.firstVisit : fill(M.consistent, { size: state.size, at: state.verifiedAt }));
    step(steps, true, fill(M.entries, { n: result.verifiedEntries }));
    for (const n of notices) step(steps, true, n);
    storage().setItem(STATE_KEY, JSON.stringify(result.state));
    status.textContent = fill(M.verified, { size: cp.size, root: result.state.root });
  } catch (error) {
    step(steps, false, (error as Error).message);
    status.textContent = M.failed;
  } finally {
    progress.hidden = true;
    button.disabled = false;
  }
}

const button = byId('verify');
button.hidden = false;
button.addEventListener('click', () => void run());
