package catalog

// ColumnRule holds what the API checks of a column's values beyond its
// type: the enum values of its CHECK constraint, a length bound and numeric
// bounds. The database enforces the enums and bounds too; checking first
// gives the client a VALIDATION_* error that names the field.
type ColumnRule struct {
	Enum      []string
	MaxLength int
	Min, Max  *float64
}

func bound(v float64) *float64 { return &v }

// Length limits (characters). They are documented in README.md.
const (
	MaxNameLength        = 200
	MaxDisplayNameLength = 100
	MaxDescriptionLength = 5000
	MaxBioLength         = 2000
	MaxLyricsLength      = 20000
	MaxURLLength         = 2048
	MaxPromptLength      = 5000
	MaxTextLength        = 10000 // any other text column
)

var columnRules = map[string]map[string]ColumnRule{
	"profiles": {
		"display_name": {MaxLength: MaxDisplayNameLength},
		"avatar_url":   {MaxLength: MaxURLLength},
		"bio":          {MaxLength: MaxBioLength},
	},
	"artists": {
		"name":        {MaxLength: MaxNameLength},
		"description": {MaxLength: MaxDescriptionLength},
		"avatar_url":  {MaxLength: MaxURLLength},
	},
	"projects": {
		"title":       {MaxLength: MaxNameLength},
		"description": {MaxLength: MaxDescriptionLength},
		"cover_url":   {MaxLength: MaxURLLength},
		"type":        {Enum: []string{"album", "single", "ep"}},
		"status":      {Enum: []string{"draft", "published", "archived"}},
	},
	"tracks": {
		"title":        {MaxLength: MaxNameLength},
		"lyrics":       {MaxLength: MaxLyricsLength},
		"audio_url":    {MaxLength: MaxURLLength},
		"track_number": {Min: bound(1), Max: bound(1_000_000)},
		"duration":     {Min: bound(0)},
	},
	"track_versions": {
		"audio_url":      {MaxLength: MaxURLLength},
		"version_number": {Min: bound(1), Max: bound(1_000_000)},
		"duration":       {Min: bound(0)},
		"source":         {Enum: []string{"upload", "generation"}},
	},
	"ai_generations": {
		"service":       {Enum: []string{"suno", "mureka", "openai", "local"}},
		"status":        {Enum: []string{"pending", "processing", "completed", "failed"}},
		"prompt":        {MaxLength: MaxPromptLength},
		"progress":      {Min: bound(0), Max: bound(100)},
		"result_url":    {MaxLength: MaxURLLength},
		"error_message": {MaxLength: MaxTextLength},
	},
}

// Rule returns the rule of table.column (the zero rule if none is set; text
// columns then get MaxTextLength).
func Rule(table, column string) ColumnRule {
	r := columnRules[table][column]
	return r
}
