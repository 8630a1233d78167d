package httpx_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tunebase/internal/apierr"
	"tunebase/internal/httpx"
)

func serve(h http.Handler, req *http.Request) (*httptest.ResponseRecorder, string) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	rec := httptest.NewRecorder()
	httpx.Chain(h, httpx.RequestID, httpx.AccessLog(logger), httpx.Recover, httpx.CORS).ServeHTTP(rec, req)
	return rec, logs.String()
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &m), rec.Body.String())
	return m
}

func TestPanicBecomes500EnvelopeWithoutInternals(t *testing.T) {
	t.Parallel()
	rec, logs := serve(httpx.Handle(func(w http.ResponseWriter, r *http.Request) error {
		panic("secret internal detail /var/lib/x.go:12")
	}), httptest.NewRequest("GET", "/x", nil))
	require.Equal(t, 500, rec.Code)
	body := decode(t, rec)
	require.Equal(t, "INTERNAL_ERROR", body["code"])
	require.NotContains(t, rec.Body.String(), "secret internal detail")
	require.Equal(t, rec.Header().Get("X-Request-Id"), body["details"].(map[string]any)["request_id"])
	require.Contains(t, logs, "secret internal detail", "the cause goes to the log")
	require.Contains(t, logs, "status=500")
}

func TestInternalErrorsAreGeneric(t *testing.T) {
	t.Parallel()
	rec, _ := serve(httpx.Handle(func(w http.ResponseWriter, r *http.Request) error {
		return errorString("pq: relation \"auth_users\" does not exist")
	}), httptest.NewRequest("GET", "/x", nil))
	require.Equal(t, 500, rec.Code)
	require.NotContains(t, rec.Body.String(), "auth_users")
}

type errorString string

func (e errorString) Error() string { return string(e) }

func TestAccessLogLine(t *testing.T) {
	t.Parallel()
	_, logs := serve(httpx.Handle(func(w http.ResponseWriter, r *http.Request) error {
		httpx.Annotate(r.Context(), "role", "anon")
		return httpx.WriteJSON(w, 201, map[string]int{"a": 1})
	}), httptest.NewRequest("POST", "/rest/v1/artists", nil))
	require.Equal(t, 1, strings.Count(logs, "msg=request"))
	for _, want := range []string{"method=POST", "path=/rest/v1/artists", "status=201", "bytes=8", "duration=", "role=anon"} {
		require.Contains(t, logs, want)
	}
}

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, ctype, body string
		status            int
	}{
		{"ok", "application/json", `{"a":"x"}`, 200},
		{"ok with charset", "application/json;charset=UTF-8", `{"a":"x"}`, 200},
		{"malformed", "application/json", `{"a":`, 400},
		{"empty", "application/json", ``, 400},
		{"two values", "application/json", `{} {}`, 400},
		{"wrong type", "application/json", `{"a":1}`, 400},
		{"not json", "application/xml", `<a/>`, 415},
		{"curl -d default type", "application/x-www-form-urlencoded", `{"a":"x"}`, 200},
		{"real form data", "application/x-www-form-urlencoded", `a=x`, 400},
		{"too large", "application/json", `{"a":"` + strings.Repeat("x", 200) + `"}`, 413},
	}
	for _, c := range cases {
		h := httpx.Handle(func(w http.ResponseWriter, r *http.Request) error {
			var dst struct {
				A string `json:"a"`
			}
			if err := httpx.DecodeJSON(w, r, 100, &dst); err != nil {
				return err
			}
			return httpx.WriteJSON(w, 200, dst)
		})
		req := httptest.NewRequest("POST", "/", strings.NewReader(c.body))
		req.Header.Set("Content-Type", c.ctype)
		rec, _ := serve(h, req)
		require.Equal(t, c.status, rec.Code, "%s: %s", c.name, rec.Body.String())
		if c.status != 200 {
			require.Contains(t, []any{string(apierr.ValidationInvalidFormat), string(apierr.RequestTooLarge)}, decode(t, rec)["code"], c.name)
		}
	}
}

func TestTimeoutCancelsWorkAnd504(t *testing.T) {
	t.Parallel()
	h := httpx.Timeout(20 * time.Millisecond)(httpx.Handle(func(w http.ResponseWriter, r *http.Request) error {
		<-r.Context().Done() // stands for a statement the database cancels
		return r.Context().Err()
	}))
	rec, _ := serve(h, httptest.NewRequest("GET", "/slow", nil))
	require.Equal(t, http.StatusGatewayTimeout, rec.Code)
	require.Equal(t, "REQUEST_TIMEOUT", decode(t, rec)["code"])
}
