import { useRef, useState } from 'preact/hooks';

interface Question {
  title: string;
  body: string;
  confirm: string;
  resolve: (confirmed: boolean) => void;
}

/**
 * A modal question (a native <dialog>: focus stays inside, Escape cancels) for actions that cannot
 * be undone with one click. `ask` resolves true only when the operator confirms.
 */
export function useConfirm() {
  const [question, setQuestion] = useState<Question>();
  const dialog = useRef<HTMLDialogElement>(null);

  const ask = (title: string, body: string, confirm: string) =>
    new Promise<boolean>((resolve) => {
      setQuestion({ title, body, confirm, resolve });
      requestAnimationFrame(() => dialog.current?.showModal());
    });

  const answer = (confirmed: boolean) => {
    dialog.current?.close();
    question?.resolve(confirmed);
    setQuestion(undefined);
  };

  const element = (
    <dialog ref={dialog} aria-labelledby="confirm-title" aria-describedby="confirm-body" onCancel={() => answer(false)}>
      <h2 id="confirm-title">{question?.title}</h2>
      <p id="confirm-body">{question?.body}</p>
      <div class="buttons">
        <button type="button" onClick={() => answer(false)} autofocus>
          Cancel
        </button>
        <button type="button" class="danger" onClick={() => answer(true)}>
          {question?.confirm ?? 'Confirm'}
        </button>
      </div>
    </dialog>
  );
  return { element, ask };
}
