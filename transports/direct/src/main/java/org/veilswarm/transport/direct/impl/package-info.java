package org.veilswarm.transport.direct.impl;
