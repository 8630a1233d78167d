import { test } from 'node:test'
import assert from 'node:assert/strict'
import { env, newClient, rawFetch, serviceClient } from './lib/client.mjs'

test('/health answers 200 {status: ok}', async () => {
  const res = await rawFetch('/health')
  assert.equal(res.status, 200)
  assert.deepEqual(res.json, { status: 'ok' })
})

test('createClient works on this Node with the ws transport', () => {
  const anon = newClient()
  assert.equal(typeof anon.from, 'function')
  assert.equal(typeof anon.auth.signInWithPassword, 'function')
  assert.equal(typeof anon.channel('e2e-health').subscribe, 'function')
  if (env.serviceRoleKey) assert.equal(typeof serviceClient().from, 'function')
})

test('/rest/v1/ answers 200 with the anon key', async () => {
  const res = await rawFetch('/rest/v1/')
  assert.equal(res.status, 200)
})

test('/rest/v1/ without an apikey answers 401 with the error envelope', async () => {
  const res = await rawFetch('/rest/v1/', { headers: { apikey: undefined } })
  assert.equal(res.status, 401)
  assert.ok(res.json && typeof res.json === 'object', 'body is JSON')
  for (const k of ['code', 'message', 'details', 'hint']) assert.ok(k in res.json, `body has ${k}`)
})
