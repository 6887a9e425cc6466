package org.veilswarm.console.impl;
