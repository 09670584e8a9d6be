import React, { useState } from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DataSourceSettings } from '@grafana/data';
import type { VigilDataSourceOptions, VigilSecureJsonData } from '../types';
import { stubCanvasText } from '../../components/testing/canvas';
import { ConfigEditor } from './ConfigEditor';

jest.setTimeout(30_000);

// The query defaults' Combobox measures its text on a canvas, which jsdom lacks.
beforeAll(stubCanvasText);

type Settings = DataSourceSettings<VigilDataSourceOptions, VigilSecureJsonData>;

const settings = (patch: Partial<Settings> = {}): Settings =>
  ({
    id: 1,
    uid: 'vigil',
    orgId: 1,
    name: 'Vigil',
    type: 'vigil-anomaly-datasource',
    typeName: 'Vigil',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    jsonData: { prometheusUrl: 'http://prometheus:9090' },
    secureJsonFields: {},
    readOnly: false,
    withCredentials: false,
    ...patch,
  }) as Settings;

function Host({ initial, spy }: { initial: Settings; spy: jest.Mock }) {
  const [options, setOptions] = useState(initial);
  return (
    <ConfigEditor
      options={options}
      onOptionsChange={(o) => {
        spy(o);
        setOptions(o);
      }}
    />
  );
}

/** Pastes the text at once: typing key by key re-renders the whole form per character. */
async function fill(label: string, text: string) {
  await userEvent.click(screen.getByLabelText(label));
  await userEvent.paste(text);
}

const last = (spy: jest.Mock): Settings => spy.mock.calls[spy.mock.calls.length - 1][0];

describe('ConfigEditor', () => {
  it('secrets go to secureJsonData only, never to jsonData', async () => {
    const spy = jest.fn();
    render(<Host initial={settings({ basicAuth: true, basicAuthUser: 'alice' })} spy={spy} />);
    await fill('Basic auth password', 's3cret');
    await fill('Bearer token', 'tok3n');
    await userEvent.click(screen.getByText('Add header'));
    await fill('Header 1 name', 'X-Scope-OrgID');
    await fill('Header 1 value', 'tenant-42');
    const o = last(spy);
    expect(o.secureJsonData).toEqual({
      basicAuthPassword: 's3cret',
      bearerToken: 'tok3n',
      httpHeaderValue1: 'tenant-42',
    });
    expect(o.jsonData.httpHeaderName1).toBe('X-Scope-OrgID');
    const visible = JSON.stringify({ ...o, secureJsonData: undefined });
    for (const secret of ['s3cret', 'tok3n', 'tenant-42']) {
      expect(visible).not.toContain(secret);
    }
  });

  it('PostgreSQL store: the URL goes to jsonData, the password only to secureJsonData', async () => {
    const spy = jest.fn();
    render(<Host initial={settings()} spy={spy} />);
    expect(screen.queryByLabelText('PostgreSQL URL')).toBeNull();
    await userEvent.click(screen.getByRole('radio', { name: 'PostgreSQL' }));
    expect(screen.queryByLabelText('Model store path')).toBeNull();
    await fill('PostgreSQL URL', 'postgres://vigil@db:5432/vigil?sslmode=require');
    await fill('PostgreSQL password', 'pg-s3cret');
    const o = last(spy);
    expect(o.jsonData).toMatchObject({
      modelStore: 'postgres',
      postgresUrl: 'postgres://vigil@db:5432/vigil?sslmode=require',
    });
    expect(o.secureJsonData).toEqual({ postgresPassword: 'pg-s3cret' });
    expect(JSON.stringify({ ...o, secureJsonData: undefined })).not.toContain('pg-s3cret');
  });

  it('PostgreSQL store: a password typed into the URL is flagged', async () => {
    render(
      <Host
        initial={settings({ jsonData: { modelStore: 'postgres', postgresUrl: 'postgres://vigil:oops@db/vigil' } })}
        spy={jest.fn()}
      />
    );
    expect(screen.getByText(/Remove the password from the URL/)).toBeInTheDocument();
  });

  it('a configured secret shows as configured, without its value, and can be reset', async () => {
    const spy = jest.fn();
    render(
      <Host
        initial={settings({ jsonData: { tlsAuth: true }, secureJsonFields: { bearerToken: true, tlsClientKey: true } })}
        spy={spy}
      />
    );
    expect(screen.getByLabelText('Bearer token')).toHaveValue('configured');
    expect(screen.getByLabelText('Bearer token')).toBeDisabled();
    expect(screen.getByLabelText('Client key')).toHaveValue('configured');
    await userEvent.click(screen.getAllByRole('button', { name: 'Reset' })[0]);
    expect(last(spy).secureJsonFields.bearerToken).toBe(false);
    expect(last(spy).secureJsonData?.bearerToken).toBe('');
  });

  it('TLS certificates, store path, retrainEvery and defaults are written where the backend reads them', async () => {
    const spy = jest.fn();
    render(<Host initial={settings()} spy={spy} />);
    await userEvent.click(screen.getByLabelText('Compressed answers'));
    await userEvent.click(screen.getByLabelText('With CA cert'));
    await fill('CA cert', '-----BEGIN CERTIFICATE-----');
    await fill('Server name', 'prom.internal');
    await fill('Model store path', '/var/lib/vigil.db');
    await fill('Retrain every', '1d');
    await fill('Max series per query', '500');
    await fill('Max points per query', 'lots');
    await fill('Default training window', '2w');
    const o = last(spy);
    expect(o.jsonData).toMatchObject({
      compressResponses: true,
      tlsAuthWithCACert: true,
      serverName: 'prom.internal',
      modelStorePath: '/var/lib/vigil.db',
      retrainEvery: '1d',
      maxSeriesPerQuery: 500,
      defaults: { trainingWindow: '2w' },
    });
    // Not a number: left unset, so the backend's default applies.
    expect(o.jsonData.maxPointsPerQuery).toBeUndefined();
    expect(o.secureJsonData?.tlsCACert).toBe('-----BEGIN CERTIFICATE-----');
    expect(JSON.stringify(o.jsonData)).not.toContain('BEGIN CERTIFICATE');
  });

  it('bad values are flagged where they are typed', async () => {
    render(
      <Host
        initial={settings({
          jsonData: {
            prometheusUrl: 'prometheus:9090',
            retrainEvery: 'daily',
            timeout: -1,
            defaults: { sensitivity: 2 },
          },
        })}
        spy={jest.fn()}
      />
    );
    expect(screen.getByText(/use a full URL|http:\/\/ or https:\/\//)).toBeInTheDocument();
    expect(screen.getByText(/invalid duration "daily"/)).toBeInTheDocument();
    expect(screen.getByText(/a number of seconds above 0/)).toBeInTheDocument();
    expect(screen.getByText(/sensitivity must be a number from 0 to 1/)).toBeInTheDocument();
  });

  it('retrainEvery accepts what the backend accepts: off and 0 turn scheduled retraining off', () => {
    for (const retrainEvery of ['off', '0', '12h']) {
      const { unmount } = render(<Host initial={settings({ jsonData: { retrainEvery } })} spy={jest.fn()} />);
      expect(screen.getByLabelText('Retrain every')).toHaveAttribute('aria-invalid', 'false');
      unmount();
    }
    render(<Host initial={settings({ jsonData: { retrainEvery: 'weekly' } })} spy={jest.fn()} />);
    expect(screen.getByLabelText('Retrain every')).toHaveAttribute('aria-invalid', 'true');
  });

  it('removing a header drops its name and its stored value', async () => {
    const spy = jest.fn();
    render(
      <Host
        initial={settings({
          jsonData: { httpHeaderName1: 'X-A', httpHeaderName2: 'X-B' },
          secureJsonFields: { httpHeaderValue2: true },
        })}
        spy={spy}
      />
    );
    await userEvent.click(screen.getByLabelText('Remove header 2'));
    const o = last(spy);
    expect(o.jsonData.httpHeaderName2).toBeUndefined();
    expect(o.jsonData.httpHeaderName1).toBe('X-A');
    expect(o.secureJsonFields.httpHeaderValue2).toBe(false);
  });
});
