package zendesk

// StatusCode is the HTTP status of the answer, so a consumer that must not import this
// package (apply) can tell Zendesk refusing a request (4xx) from a failure to get an answer.
func (e *APIError) StatusCode() int { return e.Status }
