-- POST with no body (POST /tasks/ping takes its one option from the query).
wrk.method = "POST"
