-- POST with no body: POST /tasks/ping takes no input.
wrk.method = "POST"
