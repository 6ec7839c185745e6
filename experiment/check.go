package experiment

// Check returns the error [Train] would give, before any work, for
// settings it refuses (a *FieldError naming the setting), or nil: a front
// end that starts the job later (the web UI's server) answers the request
// with it at once. A run that passes may still fail on its data, files or
// memory. Resumed runs, whose settings come from their checkpoint, are not
// checked here.
func (s TrainSettings) Check() error {
	if s.Resume != "" {
		return nil
	}
	if s.Threads < 0 {
		return fieldErr("Threads", s.Threads, "must be at least 1 (0: all cores)")
	}
	if s.continualRun() {
		d, err := s.withContinualDefaults()
		if err != nil {
			return err
		}
		return d.validateContinual()
	}
	d, err := s.withDefaults()
	if err != nil {
		return err
	}
	if err := d.validate(); err != nil {
		return err
	}
	return d.checkOutputs()
}

// Check returns the error [Simulate] would give, before any work, for
// settings it refuses (a *FieldError naming the setting), or nil. A
// resumed run is not checked here.
func (s SimSettings) Check() error {
	if s.Resume != "" {
		return nil
	}
	if s.Threads < 0 {
		return fieldErr("Threads", s.Threads, "must be at least 1 (0: all cores)")
	}
	return s.withDefaults().validate()
}
