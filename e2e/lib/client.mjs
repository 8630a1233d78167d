// Helpers shared by the e2e test files. The Go harness (e2e_test.go) sets the
// TUNEBASE_* variables; set them yourself to run a file against a server by hand.
import { randomBytes } from 'node:crypto'
import { createClient } from '@supabase/supabase-js'
import WebSocket from 'ws'

export const env = {
  url: required('TUNEBASE_URL').replace(/\/+$/, ''),
  anonKey: required('TUNEBASE_ANON_KEY'),
  serviceRoleKey: process.env.TUNEBASE_SERVICE_ROLE_KEY ?? '',
  backend: process.env.TUNEBASE_BACKEND ?? '',
  dataDir: process.env.TUNEBASE_DATA_DIR ?? '',
}

function required(name) {
  const v = process.env[name]
  if (!v) throw new Error(`${name} is not set (run the suite with: go test ./e2e/)`)
  return v
}

// Node 20 has no global WebSocket, so realtime gets the ws package.
const defaults = {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  realtime: { transport: WebSocket },
}

// newClient returns a supabase-js client on the anon key. opts is merged
// shallowly over the defaults, as createClient's own options are.
export function newClient(opts = {}) {
  return createClient(env.url, env.anonKey, { ...defaults, ...opts })
}

// serviceClient returns a client on the service_role key.
export function serviceClient(opts = {}) {
  if (!env.serviceRoleKey) throw new Error('TUNEBASE_SERVICE_ROLE_KEY is not set')
  return createClient(env.url, env.serviceRoleKey, { ...defaults, ...opts })
}

// uniqueEmail returns a fresh lowercase address, e.g. "signup-1a2b3c4d5e6f@example.test".
export function uniqueEmail(prefix = 'user') {
  return `${prefix.toLowerCase()}-${randomBytes(6).toString('hex')}@example.test`
}

// rawFetch requests path on the server with the anon key as apikey unless
// headers.apikey is given (pass apikey: null or undefined to send none). An
// object body is sent as JSON. json is null when the body is not JSON.
export async function rawFetch(path, { method = 'GET', headers = {}, body } = {}) {
  const h = { apikey: env.anonKey, ...headers }
  for (const [k, v] of Object.entries(h)) if (v == null) delete h[k]
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
    body = JSON.stringify(body)
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json'
  }
  const res = await fetch(env.url + path, { method, headers: h, body })
  const text = await res.text()
  let json = null
  try {
    json = JSON.parse(text)
  } catch {}
  return { status: res.status, headers: res.headers, json }
}
