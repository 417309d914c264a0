import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, problem, request } from '../api';
import { ErrorText } from '../components';
import type { Job } from '../types';

const ENDED = new Set(['Succeeded', 'Failed', 'Cancelled']);

/**
 * A job's worker logs. While the job runs they are streamed (`?follow=true`, text/plain that
 * the API keeps open until the worker ends); Pause stops the stream and keeps what is shown.
 * When the job ends the whole log is read once more, so nothing written at the end is missed.
 * Rendered as the text of a <pre>, never as markup.
 */
export function Logs({ base, job }: { base: string; job: Job }) {
  const [text, setText] = useState('');
  const [paused, setPaused] = useState(false);
  const [error, setError] = useState<ApiError>();
  const pre = useRef<HTMLPreElement>(null);
  const started = job.status !== 'Pending' && job.status !== 'Queued';
  const ended = ENDED.has(job.status);

  useEffect(() => {
    if (!started || paused) return;
    const abort = new AbortController();
    (async () => {
      try {
        const res = await request('GET', `${base}/logs${ended ? '' : '?follow=true'}`, undefined, { signal: abort.signal });
        if (!res.ok) throw await problem(res);
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        let all = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          all += value;
          setText(all);
        }
        setText(all);
        setError(undefined);
      } catch (e) {
        if (!abort.signal.aborted) setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
      }
    })();
    return () => abort.abort();
  }, [base, started, ended, paused]);

  useEffect(() => {
    if (!paused && pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [text, paused]);

  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `job-${job.id}.log`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <section aria-labelledby="logs-title">
      <h2 id="logs-title">Logs</h2>
      {!started ? (
        <p>No logs yet: the job has not been scheduled.</p>
      ) : (
        <>
          <p class="log-actions">
            {!ended && (
              <button type="button" onClick={() => setPaused(!paused)} aria-pressed={paused}>
                {paused ? 'Follow' : 'Pause'}
              </button>
            )}
            <button type="button" onClick={download} disabled={!text}>Download</button>
            <span class="hint">{ended ? 'complete' : paused ? 'paused' : 'following'}</span>
          </p>
          <ErrorText error={error} />
          <pre class="logs" ref={pre} tabIndex={0} aria-label="Log output">{text}</pre>
        </>
      )}
    </section>
  );
}
