import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A step's title (or the title of a part that just appeared: a report, a run); it takes the
 * focus when it opens, for keyboard and screen reader users.
 */
export function StepHeading({ id, children, level = 1 }: { id: string; children: ReactNode; level?: 1 | 2 }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const Tag = level === 1 ? 'h1' : 'h2';
  return (
    <Tag id={id} ref={ref} tabIndex={-1}>
      {children}
    </Tag>
  );
}
