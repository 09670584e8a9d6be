import React, { useEffect } from 'react';
import { useSearchParams } from 'react-router-dom';
import { DataSourcePicker, getDataSourceSrv } from '@grafana/runtime';
import { Field } from '@grafana/ui';
import { DATASOURCE_TYPE } from './constants';

/** The URL parameter that remembers which Vigil data source a page works on. */
export const DATASOURCE_PARAM = 'ds';

/**
 * The chosen Vigil data source's uid, kept in the URL (`?ds=<uid>`) so a link or a reload shows the
 * same models; without one, the first Vigil data source Grafana knows is chosen.
 */
export function useVigilDataSourceUid(): [string | undefined, (uid: string) => void] {
  const [params, setParams] = useSearchParams();
  const uid = params.get(DATASOURCE_PARAM) ?? undefined;
  const setUid = (next: string) =>
    setParams(
      (prev) => {
        const p = new URLSearchParams(prev);
        p.set(DATASOURCE_PARAM, next);
        return p;
      },
      { replace: true }
    );
  useEffect(() => {
    if (uid === undefined) {
      // The suggested replacements live in @grafana/runtime's internal/unstable entry points, which
      // Grafana 12.3 (the oldest this plugin supports) does not have.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      const first = getDataSourceSrv().getList({ type: DATASOURCE_TYPE })[0];
      if (first) {
        setUid(first.uid);
      }
    }
    // Only when the URL names no data source.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [uid]);
  return [uid, setUid];
}

interface Props {
  uid: string | undefined;
  onChange: (uid: string) => void;
}

/** Grafana's data source picker, limited to Vigil data sources. */
export function VigilDataSourceBar({ uid, onChange }: Props) {
  return (
    <Field label="Data source" description="The Vigil data source whose models and Prometheus to use">
      <DataSourcePicker
        current={uid ?? null}
        type={DATASOURCE_TYPE}
        noDefault
        width={40}
        inputId="vigil-datasource"
        onChange={(ds) => onChange(ds.uid)}
      />
    </Field>
  );
}
