-- POST /users (a sign-up with a password: the template hashes it with argon2) with an
-- email no earlier request used: across threads (each thread
-- gets a number in setup) and across runs (the first script argument, a token).
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_number", thread_count)
end

function init(args)
  run_token = args[1] or "run"
  counter = 0
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"email":"u-%s-%d-%d@bench.example.com","name":"Bench User","password":"bench-password-123"}',
    run_token, thread_number or 0, counter
  )
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
