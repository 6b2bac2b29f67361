// Another revision of the project checked out beside this one, for before/after runs in the same
// benchmark: a temporary git worktree, removed at the end of the run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { log, ROOT } from './common.ts';
import { onCleanup } from './run.ts';

export const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

/** REV checked out beside us, sharing our node_modules (a superset of what older revisions need). */
export function worktreeOf(rev: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cinema-before-'));
  git('worktree', 'add', '--detach', '--force', dir, rev);
  onCleanup(async () => {
    git('worktree', 'remove', '--force', dir);
    rmSync(dir, { recursive: true, force: true });
  });
  // the same lock file: share our node_modules; another one: install what that version locked
  const sameLock = readFileSync(join(dir, 'package-lock.json'), 'utf8') === readFileSync(join(ROOT, 'package-lock.json'), 'utf8');
  if (sameLock) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  else {
    log(`installing ${rev}'s dependencies (npm ci) in ${dir}`);
    execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'ignore' });
  }
  return dir;
}
