import { useEffect, useRef, type ReactNode } from 'react';

/** A step's title; it takes the focus when the step opens, for keyboard and screen reader users. */
export function StepHeading({ id, children }: { id: string; children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 id={id} ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}
