// GoTrue's admin user API (/auth/v1/admin/users) as supabase.auth.admin.*
// calls it with the service_role key.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { env, newClient, rawFetch, serviceClient, uniqueEmail } from './lib/client.mjs'

const PASSWORD = 'correct horse battery'

function assertAuthError(error, { name = 'AuthApiError', status, code }) {
  assert.ok(error, 'an error is returned')
  assert.equal(error.name, name, `error name (message: ${error.message})`)
  if (status !== undefined) assert.equal(error.status, status, `status (message: ${error.message})`)
  if (code !== undefined) assert.equal(error.code, code, `code (message: ${error.message})`)
}

// createUser creates a user with the admin API and returns it.
async function createUser(attributes) {
  const { data, error } = await serviceClient().auth.admin.createUser(attributes)
  assert.equal(error, null)
  assert.ok(data.user?.id, 'data.user.id')
  return data.user
}

// profiles reads the profile rows of userId over REST with the service_role key.
async function profiles(userId) {
  const { data, error } = await serviceClient().from('profiles').select().eq('user_id', userId)
  assert.equal(error, null)
  return data
}

test('admin.createUser with email_confirm: the user, its profile, and a password sign-in', async () => {
  const email = uniqueEmail('admincreate')
  const meta = { display_name: 'Адм Synth', avatar_url: 'https://cdn.example.test/adm.png', genre: 'ambient' }
  const user = await createUser({
    email: email.toUpperCase(),
    password: PASSWORD,
    email_confirm: true,
    user_metadata: meta,
    app_metadata: { plan: 'pro' },
  })
  assert.equal(user.email, email, 'email is stored lowercase')
  assert.equal(user.aud, 'authenticated')
  assert.equal(user.role, 'authenticated')
  assert.ok(user.email_confirmed_at, 'email_confirmed_at')
  assert.deepEqual(user.user_metadata, meta)
  assert.equal(user.app_metadata.plan, 'pro')
  assert.equal(user.app_metadata.provider, 'email')
  assert.equal(user.identities.length, 1)

  const [row, ...more] = await profiles(user.id)
  assert.equal(more.length, 0, 'one profile')
  assert.equal(row.display_name, meta.display_name)
  assert.equal(row.avatar_url, meta.avatar_url)

  const { data, error } = await newClient().auth.signInWithPassword({ email, password: PASSWORD })
  assert.equal(error, null)
  assert.equal(data.user.id, user.id)
  assert.ok(data.session.access_token, 'a session')
})

test('admin.createUser with a taken email → 422 email_exists', async () => {
  const email = uniqueEmail('admindup')
  await createUser({ email, password: PASSWORD })
  const { data, error } = await serviceClient().auth.admin.createUser({ email, password: 'another password' })
  assertAuthError(error, { status: 422, code: 'email_exists' })
  assert.equal(data.user, null)
})

test('admin.createUser without a password: no password signs the user in', async () => {
  const email = uniqueEmail('adminnopw')
  const user = await createUser({ email, email_confirm: true })
  assert.equal(user.email, email)
  assert.deepEqual(user.user_metadata, {})
  assert.equal((await profiles(user.id)).length, 1, 'the profile exists anyway')
  const { error } = await newClient().auth.signInWithPassword({ email, password: PASSWORD })
  assertAuthError(error, { status: 400, code: 'AUTH_INVALID_CREDENTIALS' })
})

test('admin.getUserById answers the user; unknown → 404 user_not_found; bad id → 400', async () => {
  const email = uniqueEmail('adminget')
  const { data: signed, error: signErr } = await newClient().auth.signUp({ email, password: PASSWORD, options: { data: { display_name: 'G' } } })
  assert.equal(signErr, null)
  const admin = serviceClient().auth.admin

  const { data, error } = await admin.getUserById(signed.user.id)
  assert.equal(error, null)
  assert.equal(data.user.id, signed.user.id)
  assert.equal(data.user.email, email)
  assert.equal(data.user.user_metadata.display_name, 'G')

  const missing = await admin.getUserById('0b7d7c1e-54a2-4c59-8f0e-3f3a8c9d2b11')
  assertAuthError(missing.error, { status: 404, code: 'user_not_found' })
  assert.equal(missing.data.user, null)

  // auth-js refuses a malformed id itself; the server does too.
  await assert.rejects(admin.getUserById('not-a-uuid'))
  const key = env.serviceRoleKey
  const res = await rawFetch('/auth/v1/admin/users/not-a-uuid', { headers: { apikey: key, Authorization: 'Bearer ' + key } })
  assert.equal(res.status, 400)
  assert.equal(res.json.code, 'VALIDATION_INVALID_FORMAT')
})

test('admin.updateUserById merges metadata, updates the profile and sets a new password', async () => {
  const email = uniqueEmail('adminupdate')
  const user = await createUser({
    email,
    password: PASSWORD,
    email_confirm: true,
    user_metadata: { display_name: 'Before', mood: 'calm' },
    app_metadata: { plan: 'free', beta: true },
  })
  const admin = serviceClient().auth.admin
  const { data, error } = await admin.updateUserById(user.id, {
    password: 'a brand new password',
    user_metadata: { display_name: 'After', mood: null, city: 'Riga' },
    app_metadata: { plan: 'pro', beta: null },
    ban_duration: 'none',
  })
  assert.equal(error, null)
  assert.deepEqual(data.user.user_metadata, { display_name: 'After', city: 'Riga' }, 'merged; null removes a key')
  assert.equal(data.user.app_metadata.plan, 'pro')
  assert.equal('beta' in data.user.app_metadata, false)
  const [row] = await profiles(user.id)
  assert.equal(row.display_name, 'After')

  const old = await newClient().auth.signInWithPassword({ email, password: PASSWORD })
  assertAuthError(old.error, { status: 400, code: 'AUTH_INVALID_CREDENTIALS' })
  const fresh = await newClient().auth.signInWithPassword({ email, password: 'a brand new password' })
  assert.equal(fresh.error, null)
  assert.equal(fresh.data.user.user_metadata.display_name, 'After')

  const taken = await createUser({ email: uniqueEmail('admintaken') })
  const dup = await admin.updateUserById(user.id, { email: taken.email })
  assertAuthError(dup.error, { status: 422, code: 'email_exists' })
  const ban = await admin.updateUserById(user.id, { ban_duration: '24h' })
  assertAuthError(ban.error, { status: 400, code: 'validation_failed' })
})

test('admin.listUsers pages with total, nextPage and lastPage', async () => {
  const mine = [await createUser({ email: uniqueEmail('adminlist') }), await createUser({ email: uniqueEmail('adminlist') })]
  const admin = serviceClient().auth.admin

  const { data, error } = await admin.listUsers({ page: 1, perPage: 1 })
  assert.equal(error, null)
  assert.equal(data.aud, 'authenticated')
  assert.equal(data.users.length, 1)
  assert.ok(data.total >= 2, `total ${data.total}`)
  assert.equal(data.nextPage, 2)
  assert.ok(data.lastPage >= 1, `lastPage ${data.lastPage}`)

  const all = await admin.listUsers({ perPage: 1000 })
  assert.equal(all.error, null)
  const ids = new Set(all.data.users.map((u) => u.id))
  for (const u of mine) assert.ok(ids.has(u.id), `${u.email} is listed`)
  assert.ok(all.data.users.every((u) => u.aud === 'authenticated' && u.email), 'users are GoTrue users')

  const dflt = await admin.listUsers()
  assert.equal(dflt.error, null)
  assert.ok(dflt.data.users.length >= 2 && dflt.data.users.length <= 50, 'default page size is 50')
})

test('admin.deleteUser removes the user, their sessions and their profile', async () => {
  const email = uniqueEmail('admindelete')
  const client = newClient()
  const { data: signed, error: signErr } = await client.auth.signUp({ email, password: PASSWORD, options: { data: { display_name: 'Gone' } } })
  assert.equal(signErr, null)
  const id = signed.user.id
  assert.equal((await profiles(id)).length, 1)

  const admin = serviceClient().auth.admin
  const { data, error } = await admin.deleteUser(id)
  assert.equal(error, null)
  assert.equal(data.user.id, id, 'auth-js answers the user it deleted')

  assert.deepEqual(await profiles(id), [], 'the profile is gone')
  const got = await admin.getUserById(id)
  assertAuthError(got.error, { status: 404, code: 'user_not_found' })
  const again = await admin.deleteUser(id)
  assertAuthError(again.error, { status: 404, code: 'user_not_found' })
  const refreshed = await client.auth.refreshSession()
  assertAuthError(refreshed.error, { status: 400, code: 'refresh_token_not_found' })
  const signIn = await newClient().auth.signInWithPassword({ email, password: PASSWORD })
  assertAuthError(signIn.error, { status: 400, code: 'AUTH_INVALID_CREDENTIALS' })

  // should_soft_delete is accepted; the delete is hard all the same.
  const soft = await createUser({ email: uniqueEmail('adminsoft') })
  assert.equal((await admin.deleteUser(soft.id, true)).error, null)
  assert.deepEqual(await profiles(soft.id), [])
})

test('the admin API refuses the anon key and user tokens → 403 not_admin', async () => {
  const target = await createUser({ email: uniqueEmail('admintarget') })
  const { data: signed } = await newClient().auth.signUp({ email: uniqueEmail('adminuser'), password: PASSWORD })
  assert.ok(signed.session, 'a session')
  const clients = {
    anon: newClient(),
    user: newClient({ global: { headers: { Authorization: 'Bearer ' + signed.session.access_token } } }),
  }
  for (const [who, client] of Object.entries(clients)) {
    const admin = client.auth.admin
    const results = {
      listUsers: await admin.listUsers(),
      createUser: await admin.createUser({ email: uniqueEmail('adminnope'), password: PASSWORD }),
      getUserById: await admin.getUserById(target.id),
      updateUserById: await admin.updateUserById(target.id, { user_metadata: { hacked: true } }),
      deleteUser: await admin.deleteUser(target.id),
    }
    for (const [call, { error }] of Object.entries(results)) {
      assert.ok(error, `${who} ${call} fails`)
      assertAuthError(error, { status: 403, code: 'not_admin' })
      assert.equal(error.message, 'User not allowed')
    }
  }
  const { data, error } = await serviceClient().auth.admin.getUserById(target.id)
  assert.equal(error, null, 'the target is still there')
  assert.deepEqual(data.user.user_metadata, {}, 'and untouched')
})

test('GET /auth/v1/.well-known/jwks.json answers an empty key set', async () => {
  const res = await rawFetch('/auth/v1/.well-known/jwks.json')
  assert.equal(res.status, 200)
  assert.deepEqual(res.json, { keys: [] })
})
