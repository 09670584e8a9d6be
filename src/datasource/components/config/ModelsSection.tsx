import React from 'react';
import { FieldSet, InlineField, Input, RadioButtonGroup, SecretInput } from '@grafana/ui';
import { type ConfigProps, LABEL_WIDTH, patchJsonData, secretFieldProps } from './configProps';
import { DEFAULT_RETRAIN_EVERY, parseRetrainEvery } from '../../../query/settings';
import { positiveOrUnset } from './fieldChecks';

type StoreKind = 'sqlite' | 'postgres';

const STORE_OPTIONS: Array<{ label: string; value: StoreKind; description: string }> = [
  { label: 'SQLite', value: 'sqlite', description: 'A file on this Grafana server (one Grafana instance).' },
  { label: 'PostgreSQL', value: 'postgres', description: 'One database shared by every Grafana instance (HA).' },
];

/** Where the backend stores models, how often it retrains them and how much one query may fetch. */
export function ModelsSection(props: ConfigProps) {
  const jsonData = props.options.jsonData ?? {};
  // The backend's own parser, so "off" and 0 (retrain only by hand) are accepted here as they are there.
  const retrain = parseRetrainEvery(jsonData.retrainEvery);
  const retrainError = retrain.ok ? undefined : retrain.error;
  const store: StoreKind = jsonData.modelStore === 'postgres' ? 'postgres' : 'sqlite';
  const urlHasPassword = /^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(jsonData.postgresUrl ?? '');
  return (
    <FieldSet label="Models">
      <InlineField
        label="Model store"
        labelWidth={LABEL_WIDTH}
        tooltip="Where the backend keeps trained models and their versions. SQLite: a file on each Grafana server. PostgreSQL: one database that every Grafana instance of a high-availability setup shares, so they score with the same models."
      >
        <RadioButtonGroup<StoreKind>
          aria-label="Model store"
          options={STORE_OPTIONS}
          value={store}
          onChange={(v) => patchJsonData(props, { modelStore: v })}
        />
      </InlineField>
      {store === 'sqlite' ? (
        <InlineField
          label="Model store path"
          labelWidth={LABEL_WIDTH}
          tooltip="SQLite file where the backend keeps trained models and their versions. Empty: under Grafana's data directory."
        >
          <Input
            aria-label="Model store path"
            width={48}
            placeholder="<grafana data>/plugins/vigil/models.db"
            value={jsonData.modelStorePath ?? ''}
            onChange={(e) => patchJsonData(props, { modelStorePath: e.currentTarget.value })}
          />
        </InlineField>
      ) : (
        <>
          <InlineField
            label="PostgreSQL URL"
            labelWidth={LABEL_WIDTH}
            tooltip="postgres://user@host:5432/database, without the password (enter it below). Add ?sslmode=require (or verify-full) for TLS. The user needs to create tables in the database on first use."
            invalid={urlHasPassword}
            error={
              urlHasPassword
                ? 'Remove the password from the URL and enter it in the PostgreSQL password field'
                : undefined
            }
          >
            <Input
              aria-label="PostgreSQL URL"
              width={48}
              placeholder="postgres://vigil@db:5432/vigil?sslmode=require"
              value={jsonData.postgresUrl ?? ''}
              onChange={(e) => patchJsonData(props, { postgresUrl: e.currentTarget.value })}
            />
          </InlineField>
          <InlineField
            label="PostgreSQL password"
            labelWidth={LABEL_WIDTH}
            tooltip="Password of the URL's user. Stored encrypted by Grafana and only read by the backend; never shown again."
          >
            <SecretInput aria-label="PostgreSQL password" width={32} {...secretFieldProps(props, 'postgresPassword')} />
          </InlineField>
        </>
      )}
      <InlineField
        label="Retrain every"
        labelWidth={LABEL_WIDTH}
        tooltip="How often the backend retrains each stored model on fresh data (duration, e.g. 12h). Empty: every 6h, the schedule detection quality is measured with; 0 or off: only when retrained by hand on the Models page."
        invalid={!!retrainError}
        error={retrainError}
      >
        <Input
          aria-label="Retrain every"
          width={12}
          placeholder={DEFAULT_RETRAIN_EVERY}
          value={jsonData.retrainEvery ?? ''}
          onChange={(e) =>
            patchJsonData(props, {
              retrainEvery: e.currentTarget.value === '' ? undefined : e.currentTarget.value,
            })
          }
        />
      </InlineField>
      <InlineField
        label="Max series"
        labelWidth={LABEL_WIDTH}
        tooltip="Most series one query may return from Prometheus; a query over it fails with a message naming this setting. Empty: 10,000."
      >
        <Input
          aria-label="Max series per query"
          type="number"
          min={1}
          width={12}
          placeholder="10000"
          value={jsonData.maxSeriesPerQuery ?? ''}
          onChange={(e) => patchJsonData(props, { maxSeriesPerQuery: positiveOrUnset(e.currentTarget.value) })}
        />
      </InlineField>
      <InlineField
        label="Max points"
        labelWidth={LABEL_WIDTH}
        tooltip="Most samples one Prometheus range query may return over all its series, training window included. Empty: 25,000,000 (about 400 MB)."
      >
        <Input
          aria-label="Max points per query"
          type="number"
          min={1}
          width={16}
          placeholder="25000000"
          value={jsonData.maxPointsPerQuery ?? ''}
          onChange={(e) => patchJsonData(props, { maxPointsPerQuery: positiveOrUnset(e.currentTarget.value) })}
        />
      </InlineField>
    </FieldSet>
  );
}
