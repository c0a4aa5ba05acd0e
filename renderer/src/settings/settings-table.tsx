import type { ReactNode } from 'react';

/** A settings list as a table named by its heading; an action column gets a hidden header. */
export function SettingsTable<T>({ labelledBy, columns, rows, empty, row }: { labelledBy: string; columns: string[]; rows: T[]; empty: string; row: (item: T) => ReactNode }) {
  if (rows.length === 0) return <p>{empty}</p>;
  return (
    <table aria-labelledby={labelledBy}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" key={c}>
              {c === 'Action' ? <span className="visually-hidden">{c}</span> : c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{rows.map(row)}</tbody>
    </table>
  );
}
